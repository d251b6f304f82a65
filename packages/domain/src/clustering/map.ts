import { projectCentroids } from '@fixloop/clustering';
import type { ClusterMap, ClusterMapQuery } from '@fixloop/contracts';
import type { ClusteringDeps } from './deps.js';
import type { ClusterCentroidRow } from './ports.js';

/** Map coordinates are rounded to this many decimals: finer than any screen, and a smaller answer. */
const PRECISION = 1e4;

/**
 * A 2-D map of the largest clusters: their centroids (member-sum vectors) projected on their first
 * two principal components, scaled into [-1, 1]. Centroids of another length than the largest
 * cluster's (left from an earlier representation) are left out.
 */
export async function clusterMap(
  deps: Pick<ClusteringDeps, 'clusters' | 'settings'>,
  projectId: string,
  query: ClusterMapQuery,
): Promise<ClusterMap> {
  const rows = await deps.clusters.largestWithSums(
    projectId,
    query.minSize ?? deps.settings.minClusterSize,
    query.limit,
  );
  const dims = rows[0]?.sum.length;
  const kept: ClusterCentroidRow[] = rows.filter((r) => r.sum.length === dims);
  const { x, y } = projectCentroids(kept.map((r) => r.sum));
  return {
    points: kept.map((r, i) => ({
      id: r.id,
      title: r.title,
      size: r.size,
      status: r.status,
      x: Math.round((x[i] as number) * PRECISION) / PRECISION,
      y: Math.round((y[i] as number) * PRECISION) / PRECISION,
    })),
  };
}
