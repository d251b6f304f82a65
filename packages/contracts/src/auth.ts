import { z } from 'zod';
import { ProjectId, text } from './common.js';
import { Email, NewPassword, Role } from './users.js';

/** `POST /auth/login` with an API key (a project key or the admin key). */
export const ApiKeyLoginBody = z.object({ apiKey: z.string().min(1).max(512) });
export type ApiKeyLoginBody = z.infer<typeof ApiKeyLoginBody>;

/** `POST /auth/login` with a user's email and password. */
export const PasswordLoginBody = z.object({ email: Email, password: z.string().min(1).max(256) });
export type PasswordLoginBody = z.infer<typeof PasswordLoginBody>;

/** `POST /auth/login`: an API key, or an email and password. */
export const LoginBody = z.union([ApiKeyLoginBody, PasswordLoginBody]);
export type LoginBody = z.infer<typeof LoginBody>;

/** `POST /auth/signup`: the first person may always sign up; others while `ALLOW_SIGNUP` is on. */
export const SignupBody = z
  .object({
    email: Email,
    password: NewPassword,
    name: text(100).trim().min(1),
  })
  .strict();
export type SignupBody = z.infer<typeof SignupBody>;

/** `GET /auth/options`: which sign-in methods the dashboard should offer. */
export const AuthOptions = z
  .object({
    signup: z.boolean().meta({ description: 'whether POST /auth/signup would accept a new account now' }),
    github: z.boolean().meta({ description: 'whether sign-in with GitHub is configured' }),
  })
  .meta({ id: 'AuthOptions' });
export type AuthOptions = z.infer<typeof AuthOptions>;

/** The signed-in person behind a user session. */
export const AuthUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  admin: z.boolean().meta({ description: 'instance admin: reaches every project' }),
  githubLogin: z.string().optional(),
});
export type AuthUser = z.infer<typeof AuthUser>;

/** Who a session or key is: the admin key, a project key by its id, or a signed-in user. */
export const AuthPrincipal = z.object({
  kind: z.enum(['admin', 'key', 'user']),
  keyId: z.string().optional().meta({ description: 'the project key (absent for the admin key)' }),
  user: AuthUser.optional().meta({ description: 'the signed-in user (user sessions only)' }),
});
export type AuthPrincipal = z.infer<typeof AuthPrincipal>;

/** A project the caller reaches, for the dashboard's project switcher. */
export const ProjectRef = z.object({
  id: ProjectId,
  name: z.string(),
  role: Role.optional().meta({ description: "a user's role there (user sessions only)" }),
});
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
