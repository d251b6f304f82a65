import type { FeedbackStore, Logger, Representation } from '../ports.js';
import type {
  ClusteringEngine,
  ClusteringScheduler,
  ClusterJobStore,
  ClusterStore,
  ClusterSummarizer,
} from './ports.js';

export interface ClusteringSettings {
  method: 'agglomerative' | 'centroid' | 'vector_like';
  /** Similarity threshold; the representation's own default when absent. */
  simThreshold?: number;
  minClusterSize: number;
  truncateBodyChars: number;
  /** Reports embedded and assigned per round of a run. */
  batchSize: number;
  /** Reports written per atomic step (default `DEFAULT_WRITE_CHUNK`). */
  writeChunk?: number;
  lockTtlMs: number;
  heartbeatMs: number;
  /** Wait after an ingest before a run starts, so bursts share one run. */
  debounceMs: number;
  /** Wait before retrying after embedding failures. */
  retryDelayMs: number;
}

export interface ClusteringDeps {
  feedback: FeedbackStore;
  clusters: ClusterStore;
  jobs: ClusterJobStore;
  representation: Representation;
  engine: ClusteringEngine;
  summarizer: ClusterSummarizer;
  scheduler: ClusteringScheduler;
  settings: ClusteringSettings;
  log: Logger;
  now: () => Date;
  newId: () => string;
  /** The terms of a text as the lexical channel sees them (for `sharedTerms`). */
  textTerms: (text: string) => string[];
  /** Timers, injectable so tests control the heartbeat. */
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (handle: unknown) => void;
}

export function thresholdOf(deps: Pick<ClusteringDeps, 'settings' | 'representation'>): number {
  return deps.settings.simThreshold ?? deps.representation.defaultThreshold;
}
