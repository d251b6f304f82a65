import { z } from 'zod';
import { ProjectId } from './common.js';

/** `POST /auth/login`: sign in to the dashboard with an API key (a project key or the admin key). */
export const LoginBody = z.object({ apiKey: z.string().min(1).max(512) });
export type LoginBody = z.infer<typeof LoginBody>;

/** Who a session or key is: the admin key, or a project key by its id. */
export const AuthPrincipal = z.object({
  kind: z.enum(['admin', 'key']),
  keyId: z.string().optional().meta({ description: 'the project key (absent for the admin key)' }),
});
export type AuthPrincipal = z.infer<typeof AuthPrincipal>;

/** A project the caller reaches, for the dashboard's project switcher. */
export const ProjectRef = z.object({ id: ProjectId, name: z.string() });
export type ProjectRef = z.infer<typeof ProjectRef>;

/** What `POST /auth/login` and `GET /auth/me` answer: who, which project by default, which projects in all. */
export const SessionInfo = z
  .object({
    principal: AuthPrincipal,
    projectId: ProjectId.meta({ description: 'the project root routes act on for this caller' }),
    projects: z.array(ProjectRef),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfo>;
