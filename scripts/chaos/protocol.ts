/** Messages between the chaos run (parent) and its ingestion driver (a child process, over IPC). */

export interface DriverStart {
  type: 'start';
  base: string;
  projectId: string;
  apiKey: string;
  githubSecret: string;
  sentrySecret: string;
  subreddit: string;
  seed: number;
  /** Start fixes (agent jobs) on clusters every this many ms; 0: never. */
  fixEveryMs: number;
}

/** Stop producing; keep retrying what is not acknowledged yet for at most `settleMs`. */
export interface DriverStop {
  type: 'stop';
  settleMs: number;
}

export type ToDriver = DriverStart | DriverStop;

/** What the driver did, and every item the system acknowledged (source, external id). */
export interface Ledger {
  acknowledged: Array<[source: string, externalId: string]>;
  /** Reddit post ids the stand-in listed (the poller, not the driver, delivers them). */
  redditPosts: string[];
  requests: number;
  /** Requests sent again after a failure or no answer (same payload, same external ids). */
  retries: number;
  /** Items per kind of delivery (manual, import-json, import-ndjson, github, sentry). */
  byKind: Record<string, number>;
  /** Answers by status (`network` for no answer). */
  statuses: Record<string, number>;
  /** The longest an item waited between its first attempt and its acknowledgement. */
  longestWaitMs: number;
  /** Answers no correct server gives (a 4xx other than 429, a rejected import row). */
  unexpected: string[];
  /** Items still not acknowledged when the driver gave up. */
  unacknowledged: string[];
  fixesStarted: number;
}

export type FromDriver =
  | { type: 'ready'; redditUrl: string }
  | { type: 'progress'; acknowledged: number }
  | { type: 'done'; ledger: Ledger };
