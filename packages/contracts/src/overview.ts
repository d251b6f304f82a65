import { z } from 'zod';
import { Cluster, ClusteringStatus, ClusterJob } from './clusters.js';

export const OVERVIEW_DAYS = 30;

/** Reports per UTC day, oldest first, for each source. */
export const DailyCounts = z.object({
  days: z.array(z.string().meta({ format: 'date', example: '2026-01-31' })),
  bySource: z.record(z.string(), z.array(z.number().int())),
});
export type DailyCounts = z.infer<typeof DailyCounts>;

/** `GET /overview`: the dashboard's first page in one answer. */
export const Overview = z
  .object({
    countsBySource: z.record(z.string(), z.number().int()),
    total: z.number().int(),
    unclustered: z.number().int(),
    clustering: ClusteringStatus,
    topClusters: z
      .array(Cluster)
      .meta({ description: 'up to 5 clusters, most reports in the last 7 days first' }),
    recentJobs: z.array(ClusterJob).meta({ description: 'the last 10 clustering jobs, newest first' }),
    daily: DailyCounts.meta({ description: 'reports per UTC day over the last 30 days (by createdAt)' }),
  })
  .meta({ id: 'Overview' });
export type Overview = z.infer<typeof Overview>;
