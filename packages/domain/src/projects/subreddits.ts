import type { ProjectStore, Scheduler } from '../ports.js';
import { DEFAULT_PROJECT_ID } from './projects.js';

export interface SubredditDeps {
  projects: ProjectStore;
  scheduler: Scheduler;
  /** `REDDIT_SUBREDDITS`: the fallback of the `default` project. */
  envSubreddits: string[];
}

/**
 * The subreddits a project polls: its own list, else (for the `default` project only, so that one
 * tenant's setting never leaks into another's data) `REDDIT_SUBREDDITS`.
 */
export async function getSubreddits(deps: SubredditDeps, projectId: string): Promise<string[]> {
  const own = await deps.projects.getSubreddits(projectId);
  if (own.length > 0) return own;
  return projectId === DEFAULT_PROJECT_ID ? deps.envSubreddits : [];
}

export async function setSubreddits(
  deps: SubredditDeps,
  projectId: string,
  subreddits: string[],
): Promise<string[]> {
  const unique = [...new Set(subreddits.map((s) => s.toLowerCase()))].map(
    (lower) => subreddits.find((s) => s.toLowerCase() === lower) as string,
  );
  await deps.projects.setSubreddits(projectId, unique);
  await deps.scheduler.syncRedditSchedule(projectId, await getSubreddits(deps, projectId));
  return getSubreddits(deps, projectId);
}

/** Asks for an immediate poll; answers the subreddits that will be polled. */
export async function requestRedditPoll(deps: SubredditDeps, projectId: string): Promise<string[]> {
  const subreddits = await getSubreddits(deps, projectId);
  if (subreddits.length > 0) await deps.scheduler.requestRedditPoll(projectId);
  return subreddits;
}
