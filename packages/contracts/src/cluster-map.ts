import { z } from 'zod';
import { ClusterStatus } from './clusters.js';

export const CLUSTER_MAP_DEFAULT_LIMIT = 2_000;
export const CLUSTER_MAP_MAX_LIMIT = 10_000;

export const ClusterMapQuery = z.object({
  minSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'smallest cluster shown; default CLUSTERING_MIN_CLUSTER_SIZE (2)' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(CLUSTER_MAP_MAX_LIMIT)
    .default(CLUSTER_MAP_DEFAULT_LIMIT)
    .meta({ description: 'at most this many clusters, the largest first' }),
});
export type ClusterMapQuery = z.output<typeof ClusterMapQuery>;

/** One cluster on the map: its centroid projected to 2-D, both axes scaled together into [-1, 1]. */
export const ClusterMapPoint = z.object({
  id: z.string(),
  title: z.string(),
  size: z.number().int(),
  status: ClusterStatus,
  x: z.number(),
  y: z.number(),
});
export type ClusterMapPoint = z.infer<typeof ClusterMapPoint>;

export const ClusterMap = z
  .object({ points: z.array(ClusterMapPoint) })
  .meta({ id: 'ClusterMap', description: 'the first two principal components of the cluster centroids' });
export type ClusterMap = z.infer<typeof ClusterMap>;
