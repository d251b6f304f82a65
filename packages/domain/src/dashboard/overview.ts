import { OVERVIEW_DAYS, type Overview } from '@fixloop/contracts';
import type { ClusteringDeps } from '../clustering/deps.js';
import { clusteringStatus, listClusters } from '../clustering/queries.js';

const DAY_MS = 86_400_000;
const TOP_CLUSTERS = 5;
const RECENT_JOBS = 10;

/** `YYYY-MM-DD` of the UTC day starting at `ms`. */
const dayName = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The dashboard's first page in one answer: reports per source, what waits for clustering and
 * whether a run is going, the clusters growing fastest, the last clustering jobs, and reports per
 * UTC day and source over the last 30 days (today included, by the reports' own `createdAt`).
 */
export async function projectOverview(deps: ClusteringDeps, projectId: string): Promise<Overview> {
  const today = Math.floor(deps.now().getTime() / DAY_MS) * DAY_MS;
  const from = today - (OVERVIEW_DAYS - 1) * DAY_MS;
  const [countsBySource, unclustered, clustering, top, jobs, bySource] = await Promise.all([
    deps.feedback.countBySource(projectId),
    deps.feedback.countUnclustered(projectId),
    clusteringStatus(deps, projectId),
    listClusters(deps, projectId, { sort: 'trend', limit: TOP_CLUSTERS }),
    deps.jobs.list(projectId, RECENT_JOBS),
    deps.feedback.dailyCountsBySource(projectId, from, OVERVIEW_DAYS),
  ]);
  return {
    countsBySource,
    total: Object.values(countsBySource).reduce((a, b) => a + b, 0),
    unclustered,
    clustering,
    topClusters: top.items,
    recentJobs: jobs.items,
    daily: {
      days: Array.from({ length: OVERVIEW_DAYS }, (_, i) => dayName(from + i * DAY_MS)),
      bySource,
    },
  };
}
