import { z } from 'zod';
import { Cursor, Limit, Timestamp, text } from './common.js';
import { FeedbackItem } from './feedback.js';

export const ClusterStatus = z.enum(['new', 'triaged', 'planned', 'fixing', 'pr_opened', 'fixed', 'ignored']);
export type ClusterStatus = z.infer<typeof ClusterStatus>;

/** An issue cluster: reports the engine (or a human) judged to be one problem. */
export const Cluster = z
  .object({
    id: z.string(),
    projectId: z.string(),
    title: z.string(),
    summary: z.string(),
    status: ClusterStatus,
    size: z.number().int(),
    countsBySource: z.record(z.string(), z.number().int()),
    reporters: z.number().int().meta({ description: 'distinct authors among the reports' }),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
    cohesion: z
      .number()
      .meta({ description: 'mean pairwise similarity of the members (1 for a single report)' }),
    terms: z.array(z.string()).meta({ description: 'distinctive terms (class-based TF-IDF)' }),
    titleSource: z.enum(['auto', 'llm', 'human']),
    summarySource: z.enum(['offline', 'llm', 'human']),
    trend: z
      .array(z.number().int())
      .meta({ description: 'reports per day over the last 30 days, oldest first' }),
    prUrl: z.string().optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Cluster' });
export type Cluster = z.infer<typeof Cluster>;

/** A member report with why it is here: its similarity to the cluster and the terms it shares with it. */
export const ClusterMember = FeedbackItem.extend({
  similarity: z.number(),
  sharedTerms: z.array(z.string()),
  pinned: z.boolean().meta({ description: 'placed by a human: automation never moves it' }),
});
export type ClusterMember = z.infer<typeof ClusterMember>;

export const ClusterDetail = Cluster.extend({ items: z.array(ClusterMember) }).meta({ id: 'ClusterDetail' });
export type ClusterDetail = z.infer<typeof ClusterDetail>;

export const ClusterSort = z.enum(['size', 'recent', 'trend']);
export type ClusterSort = z.infer<typeof ClusterSort>;

export const ClusterListQuery = z.object({
  sort: ClusterSort.default('size'),
  status: ClusterStatus.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  minSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'smallest size listed; default CLUSTERING_MIN_CLUSTER_SIZE (2)' }),
  maxSize: z.coerce.number().int().min(1).max(1_000_000).optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type ClusterListQuery = z.output<typeof ClusterListQuery>;

export const ClusterPatch = z
  .object({
    title: text(500).trim().min(1).optional(),
    summary: text(20_000).trim().optional(),
    status: ClusterStatus.optional(),
  })
  .refine(
    (v) => v.title !== undefined || v.summary !== undefined || v.status !== undefined,
    'give title, summary or status',
  );
export type ClusterPatch = z.output<typeof ClusterPatch>;

const Ids = z.array(z.string().min(1).max(200)).min(1).max(1_000);
export const MergeBody = z.object({ clusterIds: Ids });
export const FeedbackIdsBody = z.object({ feedbackIds: Ids });

export const HistoryEntry = z.object({
  at: Timestamp,
  action: z.enum(['rename', 'summary', 'status', 'merge', 'split', 'move', 'created']),
  actor: z.string().meta({ description: 'who did it: a key id, a user, or "engine"' }),
  details: z.record(z.string(), z.unknown()),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ClusterJobStatus = z.enum(['pending', 'running', 'succeeded', 'failed']);
export type ClusterJobStatus = z.infer<typeof ClusterJobStatus>;

export const ClusterJobStats = z.object({
  clustered: z.number().int(),
  newClusters: z.number().int(),
  updatedClusters: z.number().int(),
  singletons: z.number().int(),
  embeddingFailures: z.number().int(),
  seconds: z.number(),
});
export type ClusterJobStats = z.infer<typeof ClusterJobStats>;

/** The stats of a job that has not done anything yet. */
export function emptyClusterJobStats(): ClusterJobStats {
  return {
    clustered: 0,
    newClusters: 0,
    updatedClusters: 0,
    singletons: 0,
    embeddingFailures: 0,
    seconds: 0,
  };
}

/** A clustering run: `pending → running → succeeded | failed`. */
export const ClusterJob = z
  .object({
    id: z.string(),
    projectId: z.string(),
    kind: z.enum(['incremental', 'recluster']),
    status: ClusterJobStatus,
    createdAt: Timestamp,
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
    heartbeatAt: Timestamp.optional(),
    error: z.string().optional(),
    stats: ClusterJobStats,
  })
  .meta({ id: 'ClusterJob' });
export type ClusterJob = z.infer<typeof ClusterJob>;

export const ClusteringStatus = z.object({
  pendingCount: z.number().int(),
  isClustering: z.boolean(),
  lastJob: ClusterJob.optional(),
});
export type ClusteringStatus = z.infer<typeof ClusteringStatus>;

/** What a language model must answer when it titles a cluster. */
export const LlmDigest = z.object({
  title: z.string().trim().min(3).max(120),
  summary: z.string().trim().min(10).max(2_000),
});
export type LlmDigest = z.infer<typeof LlmDigest>;
