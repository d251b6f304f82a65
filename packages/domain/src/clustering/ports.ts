import type { ClusterJob, ClusterListQuery, ClusterStatus, HistoryEntry } from '@fixloop/contracts';

/** A cluster as stored (the API shape minus the derived trend). */
export interface ClusterRecord {
  id: string;
  projectId: string;
  title: string;
  summary: string;
  status: ClusterStatus;
  size: number;
  countsBySource: Record<string, number>;
  reporters: number;
  firstSeenAt: string;
  lastSeenAt: string;
  cohesion: number;
  terms: string[];
  titleSource: 'auto' | 'llm' | 'human';
  summarySource: 'offline' | 'llm' | 'human';
  /** Size at the last title/summary refresh (refreshed again once it grows by a quarter). */
  summarizedAtSize: number;
  prUrl?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What incremental assignment needs of a cluster: its member-sum vector and size. */
export interface ClusterVectorState {
  id: string;
  size: number;
  sum: Float32Array;
}

/** What the cluster map needs of a cluster: what its point shows, and its member-sum vector. */
export interface ClusterCentroidRow {
  id: string;
  title: string;
  status: ClusterStatus;
  size: number;
  sum: Float32Array;
}

/** One report going into a cluster (`to`), or out of every cluster (`to: null`). */
export interface ItemMove {
  itemId: string;
  to: string | null;
  /** A new vector for the item (after a text change); the stored one is used when absent. */
  vector?: Float32Array;
}

export interface NewClusterInit {
  title: string;
  summary?: string;
  status?: ClusterStatus;
}

export interface MoveOptions {
  /** Clusters to create in the same step, by the ids the moves name. */
  newClusters?: Record<string, NewClusterInit>;
  /** Mark the moved reports as placed by a human: automation never moves them again. */
  pin?: boolean;
  /** Leave reports a human placed where they are (the engine's moves). */
  respectPins?: boolean;
  /** Take the moved reports out of the unclustered set in the same step. */
  dequeue?: boolean;
  /** Cluster pairs a human split apart: recorded so automation never merges them back. */
  apart?: Array<[string, string]>;
  history?: Array<{ clusterId: string; entry: HistoryEntry }>;
  now: Date;
}

export interface MoveResult {
  moved: string[];
  skipped: Array<{
    itemId: string;
    reason: 'missing' | 'pinned' | 'target_missing' | 'no_vector' | 'closed';
  }>;
  /** Clusters left empty by the moves, deleted in the same step. */
  deletedClusters: string[];
  touchedClusters: string[];
}

export interface ClusterPage {
  items: ClusterRecord[];
  nextCursor?: string;
}

/** Clusters, their members and vectors. Every change of membership is one atomic step. */
export interface ClusterStore {
  get(projectId: string, id: string): Promise<ClusterRecord | null>;
  getMany(projectId: string, ids: string[]): Promise<Array<ClusterRecord | null>>;
  list(projectId: string, query: ClusterListQuery): Promise<ClusterPage>;
  /** Reports per day over the last `days` days (oldest first) for each cluster. */
  trends(projectId: string, ids: string[], days: number, now: Date): Promise<number[][]>;
  memberIds(projectId: string, id: string): Promise<string[]>;
  /** Up to `n` member ids of each cluster (all of them when the cluster is that small), one round trip. */
  memberSample(projectId: string, ids: string[], n: number): Promise<string[][]>;
  /** One cluster's member-sum vector. */
  sumOf(projectId: string, id: string): Promise<Float32Array | null>;
  /** Member-sum vectors and sizes of every cluster of the project. */
  vectorStates(projectId: string): Promise<ClusterVectorState[]>;
  /** The `limit` largest clusters of at least `minSize` reports, largest first, with their member-sum vectors. */
  largestWithSums(projectId: string, minSize: number, limit: number): Promise<ClusterCentroidRow[]>;
  itemVectors(projectId: string, itemIds: string[]): Promise<Array<Float32Array | null>>;
  pinned(projectId: string, itemIds: string[]): Promise<boolean[]>;
  /** Moves reports between clusters, creating and deleting clusters as needed, in one step. */
  moveItems(projectId: string, moves: ItemMove[], options: MoveOptions): Promise<MoveResult>;
  /** Updates text fields; `ifVersion` guards engine refreshes against concurrent human edits. */
  updateFields(
    projectId: string,
    id: string,
    fields: Partial<
      Pick<
        ClusterRecord,
        | 'title'
        | 'summary'
        | 'status'
        | 'terms'
        | 'titleSource'
        | 'summarySource'
        | 'summarizedAtSize'
        | 'prUrl'
      >
    >,
    options: { now: Date; history?: HistoryEntry; ifVersion?: number },
  ): Promise<ClusterRecord | null>;
  history(projectId: string, id: string): Promise<HistoryEntry[]>;
  apartFrom(projectId: string, id: string): Promise<string[]>;
  /** The representation the stored vectors belong to. */
  getRepresentation(projectId: string): Promise<string | null>;
  setRepresentation(projectId: string, id: string): Promise<void>;
}

/** Clustering jobs and the per-project lock. */
export interface ClusterJobStore {
  /** The pending or running job, or a new pending one: never two at once. Answers whether it is new. */
  ensureActive(projectId: string, job: ClusterJob): Promise<{ job: ClusterJob; created: boolean }>;
  get(projectId: string, id: string): Promise<ClusterJob | null>;
  list(
    projectId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: ClusterJob[]; nextCursor?: string }>;
  active(projectId: string): Promise<ClusterJob | null>;
  update(projectId: string, id: string, fields: Partial<ClusterJob>): Promise<void>;
  /** Ends the job and clears the active pointer when it points at it. */
  finish(projectId: string, id: string, fields: Partial<ClusterJob>): Promise<void>;
  lastFinished(projectId: string): Promise<ClusterJob | null>;
  /** `SET NX PX` with a token. */
  acquireLock(projectId: string, token: string, ttlMs: number): Promise<boolean>;
  /** Renews the lock only while `token` owns it. */
  renewLock(projectId: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only while `token` owns it. */
  releaseLock(projectId: string, token: string): Promise<void>;
  isLocked(projectId: string): Promise<boolean>;
  /** Asks for another run once the current one ends (reports arrived meanwhile); a recluster wins over an incremental run. */
  requestFollowUp(projectId: string, kind: 'incremental' | 'recluster'): Promise<void>;
  takeFollowUp(projectId: string): Promise<'incremental' | 'recluster' | null>;
}

/** Where each new vector goes: an existing cluster (by index) or a new group (by index). */
export type AssignTarget = { existing: number } | { group: number };

/** The numeric work of a run, behind a port so it can run off the API's event loop. */
export interface ClusteringEngine {
  assign(input: {
    clusters: Array<{ sum: Float32Array; size: number }>;
    vectors: Float32Array[];
    simThreshold: number;
    method: 'agglomerative' | 'centroid' | 'vector_like';
  }): Promise<{ targets: AssignTarget[]; groups: number }>;
  close?(): Promise<void>;
}

export interface ClusterDigest {
  title: string;
  summary: string;
  terms: string[];
  by: 'offline' | 'llm';
}

/** Titles and summarizes a cluster from its reports (offline, or a language model with an offline fallback). */
export interface ClusterSummarizer {
  summarize(input: {
    projectId: string;
    cluster: ClusterRecord;
    items: import('@fixloop/contracts').FeedbackItem[];
  }): Promise<ClusterDigest>;
}

/** Queues clustering runs (BullMQ `clustering.run`). */
export interface ClusteringScheduler {
  enqueueClustering(projectId: string, jobId: string, delayMs: number): Promise<void>;
  /** Makes a queued run due now (it may be waiting out a debounce or a back-off); queues it if it was lost. */
  promoteClustering(projectId: string, jobId: string): Promise<void>;
}
