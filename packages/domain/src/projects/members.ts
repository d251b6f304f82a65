import type { AddMemberBody, Member, Project } from '@fixloop/contracts';
import type { AccessPrincipal } from '../auth/access.js';
import { DomainError, notFound } from '../errors.js';
import type { ProjectStore } from '../ports.js';
import type { MemberChange, MemberStore, UserStore } from '../users/ports.js';
import { requireProject, toProject } from './projects.js';

export interface MemberDeps {
  projects: ProjectStore;
  users: UserStore;
  members: MemberStore;
  now: () => Date;
  /** Refuses (throws) when the project may not have another member: the plan's member limit. */
  assertCanAdd?: (projectId: string) => Promise<void>;
}

function assertChanged(change: MemberChange, userId: string): void {
  if (change === 'not_member') throw notFound('member', userId);
  if (change === 'last_owner') {
    throw new DomainError('conflict', 'a project keeps at least one owner: make someone else owner first');
  }
}

/** The project's members with their names and emails. */
export async function listMembers(deps: MemberDeps, projectId: string): Promise<Member[]> {
  await requireProject(deps, projectId);
  const members = await deps.members.list(projectId);
  const users = await deps.users.getMany(members.map((m) => m.userId));
  const out: Member[] = [];
  members.forEach((m, i) => {
    const u = users[i];
    if (u) out.push({ userId: u.id, email: u.email, name: u.name, role: m.role });
  });
  return out.sort((a, b) => a.email.localeCompare(b.email));
}

/**
 * Adds a person who has signed up (or changes their role). Invitations for people without an
 * account are not kept: they sign up first, then an owner adds them.
 */
export async function addMember(deps: MemberDeps, projectId: string, body: AddMemberBody): Promise<Member> {
  await requireProject(deps, projectId);
  const user = await deps.users.findByEmail(body.email);
  if (!user) {
    throw new DomainError(
      'not_found',
      `no account has the email ${body.email}: they need to sign up first, then you can add them`,
    );
  }
  // A role change is not a new member; only a new one counts against the plan.
  if ((await deps.members.roleOf(projectId, user.id)) === null) await deps.assertCanAdd?.(projectId);
  assertChanged(await deps.members.set(projectId, user.id, body.role, deps.now().getTime()), user.id);
  return { userId: user.id, email: user.email, name: user.name, role: body.role };
}

/** Removes a member; the last owner stays (409). */
export async function removeMember(deps: MemberDeps, projectId: string, userId: string): Promise<void> {
  await requireProject(deps, projectId);
  assertChanged(await deps.members.remove(projectId, userId), userId);
}

/** The projects a caller sees in `GET /projects`: all (admin key, instance admins), a key's own, a user's memberships. */
export async function projectsVisibleTo(
  deps: Pick<MemberDeps, 'projects' | 'members'>,
  principal: AccessPrincipal,
): Promise<Project[]> {
  if (principal.kind === 'admin' || (principal.kind === 'user' && principal.admin)) {
    return (await deps.projects.list()).map(toProject);
  }
  const ids =
    principal.kind === 'key'
      ? [principal.projectId]
      : (await deps.members.projectsOf(principal.userId)).map((m) => m.projectId);
  const out: Project[] = [];
  for (const id of ids) {
    const r = await deps.projects.get(id);
    if (r) out.push(toProject(r));
  }
  return out;
}
