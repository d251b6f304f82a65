/**
 * What became of a report an ingest path saw: stored (`held` when past the plan's monthly limit),
 * already there (`duplicate`), an existing report refreshed by a synced source (`updated`), or
 * refused past the hard cap (`rejected`).
 */
export type IngestOutcomeLabel = 'created' | 'held' | 'duplicate' | 'updated' | 'rejected';

/**
 * How a background job ended: its record says `succeeded`, `failed` or `cancelled`; `skipped`
 * found nothing to do (its record gone or already final); `busy` was put back for a retry because
 * another worker held the project; `error` threw (a bad payload, a crash).
 */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'busy' | 'error';

/**
 * Counts and timings the process reports (Prometheus at the composition root). Every label is from
 * a closed set: never a project id, an item id or free text.
 */
export interface Telemetry {
  /** `count` reports from `source` had `outcome`. */
  feedbackIngested(source: string, outcome: IngestOutcomeLabel, count?: number): void;
  /** A job ended; `seconds` is absent when it never really ran (a `busy` bounce). */
  jobFinished(job: string, outcome: JobOutcome, seconds?: number): void;
  /** One call to an embedding provider (cache misses only) took `seconds` for `texts` texts. */
  embeddingCall(provider: string, texts: number, seconds: number): void;
  /** One embedding-cache lookup: `hits` texts were cached, `misses` were not. */
  embeddingCacheLookup(provider: string, hits: number, misses: number): void;
}

/** Reports nothing: for tools and tests that have no metrics. */
export const noTelemetry: Telemetry = {
  feedbackIngested: () => {},
  jobFinished: () => {},
  embeddingCall: () => {},
  embeddingCacheLookup: () => {},
};
