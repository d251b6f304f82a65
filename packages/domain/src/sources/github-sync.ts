import type { GithubRepoSync, GithubSyncResult } from '@fixloop/contracts';
import { type FeedbackDeps, upsertLabel } from '../feedback/verbs.js';
import type { IssueTracker, ProjectStore } from '../ports.js';
import { normalizeGithubIssue } from './github.js';

export interface GithubSyncDeps extends FeedbackDeps {
  projects: ProjectStore;
  tracker: IssueTracker;
  now: () => Date;
}

/**
 * Pulls a repository's issues updated since the stored cursor (pull requests skipped), creating or
 * refreshing one report per issue. Closed issues are stored closed and kept out of clustering;
 * re-opened ones go back to it. `closed` counts issues that are closed after this sync and were not
 * before. The cursor advances only after every page was stored.
 */
export async function syncGithubRepo(
  deps: GithubSyncDeps,
  projectId: string,
  owner: string,
  repo: string,
  token: string | undefined,
): Promise<GithubSyncResult> {
  const since = (await deps.projects.getGithubCursor(projectId, owner, repo)) ?? undefined;
  const counts: GithubSyncResult = { new: 0, updated: 0, closed: 0 };
  let cursor = since;
  let reopenedOrNew = false;
  for await (const page of deps.tracker.listIssues({ owner, repo, since, token })) {
    const items = page.filter((i) => !i.isPullRequest).map((i) => normalizeGithubIssue(owner, repo, i));
    const results = items.length > 0 ? await deps.feedback.upsertMany(projectId, items) : [];
    for (const r of results) {
      deps.telemetry?.feedbackIngested('github', upsertLabel(r.outcome, r.held));
      if (r.outcome === 'created') {
        counts.new++;
        deps.log.info({ feedbackId: r.id, source: 'github', projectId }, 'feedback ingested');
      } else if (r.outcome === 'updated') counts.updated++;
      if (r.status === 'closed' && r.previousStatus !== 'closed') counts.closed++;
      if (r.status === 'open' && r.outcome !== 'unchanged') reopenedOrNew = true;
    }
    for (const issue of page) {
      if (cursor === undefined || issue.updatedAt > cursor) cursor = issue.updatedAt;
    }
  }
  if (cursor !== undefined && cursor !== since)
    await deps.projects.setGithubCursor(projectId, owner, repo, cursor);
  await deps.projects.recordGithubSync(projectId, owner, repo, {
    owner,
    repo,
    at: deps.now().toISOString(),
    ...counts,
  });
  if (reopenedOrNew) await deps.onUnclustered?.(projectId);
  deps.log.info({ projectId, repository: `${owner}/${repo}`, ...counts }, 'github sync finished');
  return counts;
}

/** The repositories the project synced, each with the counts of its last sync, by name. */
export async function listSyncedRepos(
  deps: Pick<GithubSyncDeps, 'projects'>,
  projectId: string,
): Promise<GithubRepoSync[]> {
  return deps.projects.listGithubSyncs(projectId);
}
