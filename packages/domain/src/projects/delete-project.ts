import type { SessionStore } from '../auth/ports.js';
import { DomainError } from '../errors.js';
import type { Scheduler } from '../ports.js';
import type { MemberStore } from '../users/ports.js';
import { DEFAULT_PROJECT_ID, type ProjectDeps, requireProject } from './projects.js';

export interface DeleteProjectDeps extends ProjectDeps {
  members: Pick<MemberStore, 'forgetProject'>;
  sessions: Pick<SessionStore, 'deleteForProject'>;
  scheduler: Pick<Scheduler, 'syncRedditSchedule'>;
  /** Global records that point at the project from outside its prefix (the billing customer link). */
  forgetGlobal?: (projectId: string) => Promise<void>;
}

/**
 * Deletes a project and everything it holds, once its name is typed again. Access goes first (its
 * keys, the sessions opened with them, its members' indexes), then its data, and the project
 * record and index last, so an interrupted deletion can simply be asked for again.
 */
export async function deleteProject(
  deps: DeleteProjectDeps,
  projectId: string,
  confirm: string,
): Promise<void> {
  const project = await requireProject(deps, projectId);
  if (projectId === DEFAULT_PROJECT_ID) {
    throw new DomainError('conflict', 'the default project cannot be deleted (the server recreates it)');
  }
  if (confirm !== project.name) {
    throw new DomainError('validation_failed', "confirm: type the project's name exactly to delete it", {
      issues: [{ path: 'body.confirm', message: `must be the project's name, "${project.name}"` }],
    });
  }
  await deps.apiKeys.deleteAll(projectId);
  await deps.sessions.deleteForProject(projectId);
  await deps.members.forgetProject(projectId);
  await deps.scheduler.syncRedditSchedule(projectId, []);
  await deps.forgetGlobal?.(projectId);
  await deps.projects.purge(projectId);
}
