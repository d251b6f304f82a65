import type { SessionInfo } from '@fixloop/contracts';
import type { ApiKeyRecord, ProjectStore } from '../ports.js';
import { DEFAULT_PROJECT_ID } from '../projects/projects.js';

/** Who an API key (or a session opened with it) acts as. */
export type KeyPrincipal = { kind: 'admin' } | { kind: 'key'; projectId: string; keyId: string };

export function principalOfKey(record: ApiKeyRecord): KeyPrincipal {
  return record.admin ? { kind: 'admin' } : { kind: 'key', projectId: record.projectId, keyId: record.id };
}

/**
 * Who the caller is, the project root routes act on for it, and every project it reaches (all of
 * them for the admin key, its own for a project key): what the dashboard's project switcher needs.
 */
export async function describePrincipal(
  deps: { projects: ProjectStore },
  principal: KeyPrincipal,
): Promise<SessionInfo> {
  if (principal.kind === 'admin') {
    const projects = await deps.projects.list();
    return {
      principal: { kind: 'admin' },
      projectId: DEFAULT_PROJECT_ID,
      projects: projects.map(({ id, name }) => ({ id, name })),
    };
  }
  const own = await deps.projects.get(principal.projectId);
  return {
    principal: { kind: 'key', keyId: principal.keyId },
    projectId: principal.projectId,
    projects: own ? [{ id: own.id, name: own.name }] : [],
  };
}
