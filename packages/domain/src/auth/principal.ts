import type { ProjectRef, SessionInfo } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import type { ApiKeyRecord, ApiKeyStore, ProjectStore } from '../ports.js';
import { createProject, DEFAULT_PROJECT_ID } from '../projects/projects.js';
import type { MemberStore, UserRecord, UserStore } from '../users/ports.js';
import type { AccessPrincipal } from './access.js';

/** Who an API key (or a session opened with it) acts as. */
export type KeyPrincipal = Extract<AccessPrincipal, { kind: 'admin' | 'key' }>;
export type UserPrincipal = Extract<AccessPrincipal, { kind: 'user' }>;

export function principalOfKey(record: ApiKeyRecord): KeyPrincipal {
  return record.admin
    ? { kind: 'admin' }
    : { kind: 'key', projectId: record.projectId, keyId: record.id, scopes: record.scopes };
}

export function principalOfUser(user: UserRecord): UserPrincipal {
  return { kind: 'user', userId: user.id, admin: user.admin };
}

/** How a user appears in histories (`actor`): `user:<id>`. */
export function actorOfUser(userId: string): string {
  return `user:${userId}`;
}

/** The user behind an actor written by `actorOfUser`, if it is one. */
export function userIdOfActor(actor: string): string | undefined {
  return actor.startsWith('user:') && actor.length > 5 ? actor.slice(5) : undefined;
}

export interface DescribeDeps {
  projects: ProjectStore;
  apiKeys: ApiKeyStore;
  users: UserStore;
  members: MemberStore;
  now: () => Date;
}

/**
 * The project root routes act on for a user: `default` for instance admins, else the project they
 * joined first; null when they belong to none.
 */
export async function homeProjectOf(
  deps: { members: Pick<MemberStore, 'projectsOf'> },
  principal: UserPrincipal,
): Promise<string | null> {
  if (principal.admin) return DEFAULT_PROJECT_ID;
  return (await deps.members.projectsOf(principal.userId))[0]?.projectId ?? null;
}

/** A user's projects with their role; one of their own is made when they have none, so the dashboard always has one. */
async function projectsOfUser(deps: DescribeDeps, user: UserRecord): Promise<ProjectRef[]> {
  if (user.admin) {
    const roles = new Map((await deps.members.projectsOf(user.id)).map((m) => [m.projectId, m.role]));
    return (await deps.projects.list()).map(({ id, name }) => ({ id, name, role: roles.get(id) ?? 'owner' }));
  }
  let memberships = await deps.members.projectsOf(user.id);
  if (memberships.length === 0) {
    await createProject(deps, `${user.name}'s project`, { ownerUserId: user.id, withKey: false });
    memberships = await deps.members.projectsOf(user.id);
  }
  const refs: ProjectRef[] = [];
  for (const { projectId, role } of memberships) {
    const p = await deps.projects.get(projectId);
    if (p) refs.push({ id: p.id, name: p.name, role });
  }
  return refs;
}

/**
 * Who the caller is, the project root routes act on for it, and every project it reaches (all of
 * them for the admin key and instance admins, its own for a project key, a user's memberships):
 * what the dashboard's project switcher needs.
 */
export async function describePrincipal(
  deps: DescribeDeps,
  principal: KeyPrincipal | UserPrincipal,
): Promise<SessionInfo> {
  switch (principal.kind) {
    case 'admin': {
      const projects = await deps.projects.list();
      return {
        principal: { kind: 'admin' },
        projectId: DEFAULT_PROJECT_ID,
        projects: projects.map(({ id, name }) => ({ id, name })),
      };
    }
    case 'key': {
      const own = await deps.projects.get(principal.projectId);
      return {
        principal: { kind: 'key', keyId: principal.keyId },
        projectId: principal.projectId,
        projects: own ? [{ id: own.id, name: own.name }] : [],
      };
    }
    case 'user': {
      const user = await deps.users.get(principal.userId);
      if (!user) throw new DomainError('unauthorized', 'this account no longer exists');
      const projects = await projectsOfUser(deps, user);
      const home = user.admin ? DEFAULT_PROJECT_ID : (projects[0]?.id ?? DEFAULT_PROJECT_ID);
      return {
        principal: {
          kind: 'user',
          user: {
            id: user.id,
            email: user.email,
            name: user.name,
            admin: user.admin,
            ...(user.githubLogin === undefined ? {} : { githubLogin: user.githubLogin }),
          },
        },
        projectId: home,
        projects,
      };
    }
  }
}
