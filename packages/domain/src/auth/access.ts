import type { ApiKeyScope, Role } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import type { MemberStore } from '../users/ports.js';

/**
 * What a route does to its project: `read` its data, `write` data (feedback, triage, plans, fixes),
 * `ingest` new reports, `manage` the project itself (settings, keys, members, billing, deletion).
 */
export type Access = 'read' | 'write' | 'ingest' | 'manage';

/** Who is calling, as far as project access goes. */
export type AccessPrincipal =
  | { kind: 'admin' }
  | { kind: 'key'; projectId: string; keyId: string; scopes: readonly ApiKeyScope[] }
  | { kind: 'user'; userId: string; admin: boolean };

const ROLE_ACCESS: Record<Role, readonly Access[]> = {
  viewer: ['read'],
  member: ['read', 'write', 'ingest'],
  owner: ['read', 'write', 'ingest', 'manage'],
};

const SCOPE_ACCESS: Record<ApiKeyScope, readonly Access[]> = {
  ingest: ['ingest'],
  read: ['read'],
  admin: ['read', 'write', 'ingest', 'manage'],
};

export function roleAllows(role: Role, access: Access): boolean {
  return ROLE_ACCESS[role].includes(access);
}

export function scopesAllow(scopes: readonly ApiKeyScope[], access: Access): boolean {
  return scopes.some((s) => SCOPE_ACCESS[s].includes(access));
}

const VERB: Record<Access, string> = {
  read: 'read data',
  write: 'change data',
  ingest: 'add reports',
  manage: "manage the project's settings, keys and members",
};

/**
 * Refuses (403) unless the principal may do `access` in the project: the admin key and instance
 * admins everywhere; a key in its own project within its scopes; a user by their role there.
 */
export async function authorize(
  deps: { members: Pick<MemberStore, 'roleOf'> },
  principal: AccessPrincipal,
  projectId: string,
  access: Access,
): Promise<void> {
  switch (principal.kind) {
    case 'admin':
      return;
    case 'key':
      if (principal.projectId !== projectId)
        throw new DomainError('forbidden', `this key has no access to project ${projectId}`);
      if (!scopesAllow(principal.scopes, access)) {
        throw new DomainError(
          'forbidden',
          `this key's scopes (${principal.scopes.join(', ')}) do not allow it to ${VERB[access]}`,
          {
            scopes: principal.scopes,
            needs: access,
          },
        );
      }
      return;
    case 'user': {
      if (principal.admin) return;
      const role = await deps.members.roleOf(projectId, principal.userId);
      if (role === null) throw new DomainError('forbidden', `you have no access to project ${projectId}`);
      if (!roleAllows(role, access)) {
        throw new DomainError('forbidden', `a ${role} of project ${projectId} cannot ${VERB[access]}`, {
          role,
          needs: access,
        });
      }
      return;
    }
  }
}

/** `authorize` as a yes/no answer. */
export async function mayAccess(
  deps: { members: Pick<MemberStore, 'roleOf'> },
  principal: AccessPrincipal,
  projectId: string,
  access: Access,
): Promise<boolean> {
  try {
    await authorize(deps, principal, projectId, access);
    return true;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'forbidden') return false;
    throw e;
  }
}
