import { similarityToCluster } from '@fixloop/clustering';
import type {
  Cluster,
  ClusterDetail,
  ClusteringStatus,
  ClusterListQuery,
  ClusterMember,
  FeedbackItem,
} from '@fixloop/contracts';
import { notFound } from '../errors.js';
import type { ClusteringDeps } from './deps.js';
import type { ClusterRecord } from './ports.js';

const TREND_DAYS = 30;
const DETAIL_ITEMS = 200;

function toCluster(r: ClusterRecord, trend: number[]): Cluster {
  const { version: _v, summarizedAtSize: _s, ...rest } = r;
  return { ...rest, trend };
}

export async function listClusters(
  deps: ClusteringDeps,
  projectId: string,
  query: ClusterListQuery,
): Promise<{ items: Cluster[]; nextCursor?: string }> {
  // Groups below the configured minimum size are the outlier queue, listed only when asked for.
  const page = await deps.clusters.list(projectId, {
    ...query,
    minSize: query.minSize ?? deps.settings.minClusterSize,
  });
  const trends = await deps.clusters.trends(
    projectId,
    page.items.map((c) => c.id),
    TREND_DAYS,
    deps.now(),
  );
  const items = page.items.map((c, i) => toCluster(c, trends[i] ?? []));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/**
 * A cluster with its reports (newest first, at most 200), each with why it is here: its similarity
 * to the rest of the cluster and the distinctive terms it shares with it.
 */
export async function getClusterDetail(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
): Promise<ClusterDetail> {
  const record = await deps.clusters.get(projectId, id);
  if (!record) throw notFound('cluster', id);
  const [trend] = await deps.clusters.trends(projectId, [id], TREND_DAYS, deps.now());
  const memberIds = await deps.clusters.memberIds(projectId, id);
  const items = (await deps.feedback.getMany(projectId, memberIds))
    .filter((m): m is FeedbackItem => m !== null)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
    .slice(0, DETAIL_ITEMS);
  const [sum, vectors, pins] = await Promise.all([
    deps.clusters.sumOf(projectId, id),
    deps.clusters.itemVectors(
      projectId,
      items.map((i) => i.id),
    ),
    deps.clusters.pinned(
      projectId,
      items.map((i) => i.id),
    ),
  ]);
  const terms = new Set(record.terms);
  const members: ClusterMember[] = items.map((item, i) => {
    const own = new Set(deps.textTerms(`${item.title}\n${item.body}`));
    return {
      ...item,
      similarity: similarityToRest(vectors[i] ?? null, sum, record.size),
      sharedTerms: [...terms].filter((t) => own.has(t)),
      pinned: pins[i] ?? false,
    };
  });
  return { ...toCluster(record, trend ?? []), items: members };
}

/** A member's mean similarity to the other members (the core's measure), rounded; 0 without vectors. */
export function similarityToRest(v: Float32Array | null, sum: Float32Array | null, size: number): number {
  if (!v || !sum || v.length !== sum.length) return 0;
  return Math.round(similarityToCluster(v, sum, size, true) * 1000) / 1000;
}

export async function clusteringStatus(deps: ClusteringDeps, projectId: string): Promise<ClusteringStatus> {
  const [pendingCount, active, last] = await Promise.all([
    deps.feedback.countUnclustered(projectId),
    deps.jobs.active(projectId),
    deps.jobs.lastFinished(projectId),
  ]);
  const isClustering = active?.status === 'running';
  const lastJob = active ?? last;
  return lastJob ? { pendingCount, isClustering, lastJob } : { pendingCount, isClustering };
}
