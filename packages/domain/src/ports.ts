import type {
  ApiKeyScope,
  FeedbackItem,
  FeedbackListQuery,
  FeedbackStatus,
  Metadata,
  NewFeedback,
  RawRedditPost,
  RepositorySettings,
  SecretName,
} from '@fixloop/contracts';

/** The structured logger every verb receives (pino's call shape). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export type AddOutcome = 'created' | 'duplicate';
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface FeedbackPatch {
  title?: string;
  body?: string;
  metadata?: Metadata;
  status?: FeedbackStatus;
  url?: string;
  author?: string;
}

export interface FeedbackPage {
  items: FeedbackItem[];
  nextCursor?: string;
}

/**
 * One row of a bulk add: stored (`held` past the monthly limit), a duplicate, or refused past the
 * hard cap (`id` empty: nothing was written).
 */
export type BulkAddResult =
  | { outcome: AddOutcome; id: string; held?: boolean }
  | { outcome: 'rejected'; id: ''; plan: string; limit: number };

/**
 * Where reports live. Every multi-key write of one item is one atomic step. A new report counts
 * against its month's allowance in that same step: past it, it is stored `held` (out of clustering);
 * past the hard cap (an allowance's worth held), nothing is written and the single-item methods
 * throw `rate_limited`. `releasable`: held reports wait although this month has room again.
 */
export interface FeedbackStore {
  /** Stores a new report, or returns the existing one with the same `(source, externalId)`. */
  addFeedbackItem(
    projectId: string,
    item: NewFeedback,
  ): Promise<{ item: FeedbackItem; outcome: AddOutcome; releasable?: boolean }>;
  /** Many `addFeedbackItem`s in one round trip; results in input order. */
  addFeedbackItems(projectId: string, items: NewFeedback[]): Promise<BulkAddResult[]>;
  /** Creates or refreshes the report with the same `(source, externalId)` (synced sources). */
  upsert(
    projectId: string,
    item: NewFeedback & { externalId: string },
  ): Promise<{ item: FeedbackItem; outcome: UpsertOutcome; releasable?: boolean }>;
  /**
   * Many `upsert`s in one round trip; results in input order (`held`: created past the monthly
   * limit); throws `rate_limited` after storing the rest when a row was past the hard cap.
   */
  upsertMany(
    projectId: string,
    items: Array<NewFeedback & { externalId: string }>,
  ): Promise<
    Array<{
      id: string;
      outcome: UpsertOutcome;
      status: FeedbackStatus;
      previousStatus?: FeedbackStatus;
      held?: boolean;
    }>
  >;
  get(projectId: string, id: string): Promise<FeedbackItem | null>;
  /** Many reports in one round trip, in order; null where absent. */
  getMany(projectId: string, ids: string[]): Promise<Array<FeedbackItem | null>>;
  /** Every report id of the project, oldest first. */
  allIds(projectId: string): Promise<string[]>;
  findByExternalId(projectId: string, source: string, externalId: string): Promise<FeedbackItem | null>;
  /** Applies a patch atomically; a text change of an open item marks it unclustered again. */
  update(projectId: string, id: string, patch: FeedbackPatch): Promise<FeedbackItem | null>;
  /** Removes the item from every index; false when it did not exist. */
  delete(projectId: string, id: string): Promise<boolean>;
  list(projectId: string, query: FeedbackListQuery): Promise<FeedbackPage>;
  /** Items waiting for clustering (at most `limit`). */
  getUnclusteredFeedback(projectId: string, limit?: number): Promise<FeedbackItem[]>;
  countUnclustered(projectId: string): Promise<number>;
  removeFromUnclustered(projectId: string, ids: string[]): Promise<void>;
  countBySource(projectId: string): Promise<Record<string, number>>;
  /**
   * Reports of each known source created (by `createdAt`) in each of `days` consecutive UTC days,
   * the first starting at `fromMs`; oldest day first.
   */
  dailyCountsBySource(projectId: string, fromMs: number, days: number): Promise<Record<string, number[]>>;
}

export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: string;
  /** The user who created the project (absent for projects the admin key created). */
  ownerUserId?: string;
  repository?: RepositorySettings;
  secretNames: SecretName[];
}

export interface ProjectStore {
  /** Reserves `id`; false when a project with that id exists. */
  create(project: { id: string; name: string; createdAt: string; ownerUserId?: string }): Promise<boolean>;
  /**
   * Deletes every key of the project (its hash, everything under its prefix in batches, and the
   * global keys and entries that point at it: its API keys, their sessions, its members' indexes,
   * its billing customer link) and takes it out of the global index; answers how many keys went.
   */
  purge(id: string): Promise<number>;
  /** Makes sure an existing project is in the global index. */
  index(id: string): Promise<void>;
  get(id: string): Promise<ProjectRecord | null>;
  list(): Promise<ProjectRecord[]>;
  /** Renames an existing project; false when there is none with that id. */
  rename(id: string, name: string): Promise<boolean>;
  setRepository(id: string, repository: RepositorySettings): Promise<void>;
  /** Encrypted secret values by name. */
  getSecrets(id: string): Promise<Partial<Record<SecretName, string>>>;
  setSecrets(id: string, set: Partial<Record<SecretName, string>>, remove: SecretName[]): Promise<void>;
  getSubreddits(id: string): Promise<string[]>;
  setSubreddits(id: string, subreddits: string[]): Promise<void>;
  getGithubCursor(id: string, owner: string, repo: string): Promise<string | null>;
  setGithubCursor(id: string, owner: string, repo: string, since: string): Promise<void>;
  recordGithubSync(id: string, owner: string, repo: string, summary: GithubSyncSummary): Promise<void>;
  listGithubSyncs(id: string): Promise<GithubSyncSummary[]>;
}

export interface GithubSyncSummary {
  owner: string;
  repo: string;
  at: string;
  new: number;
  updated: number;
  closed: number;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  /** The operator's bootstrap key: reaches every project. */
  admin: boolean;
  /** What the key may do; keys stored before scopes existed read as `['admin']`. */
  scopes: ApiKeyScope[];
}

export interface ApiKeyStore {
  create(record: ApiKeyRecord, hash: string): Promise<void>;
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  list(projectId: string): Promise<ApiKeyRecord[]>;
  delete(projectId: string, id: string): Promise<boolean>;
  /** Deletes every key of the project; answers their hashes. */
  deleteAll(projectId: string): Promise<string[]>;
  touch(hash: string, projectId: string, id: string, at: string): Promise<void>;
  /** Registers an admin key; `exclusive` revokes every other admin key (rotation). */
  installAdminKey(hash: string, createdAt: string, exclusive: boolean): Promise<void>;
}

/** Encrypts third-party secrets at rest. */
export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** A GitHub issue as the domain needs it (validated by the adapter). */
export interface TrackerIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  htmlUrl: string;
  author?: string;
  createdAt: string;
  updatedAt: string;
  labels: string[];
  isPullRequest: boolean;
  comments?: number;
}

/** A repository as the tracker sees it, with what the asking token may do there. */
export interface TrackerRepository {
  fullName: string;
  defaultBranch: string;
  private: boolean;
  htmlUrl: string;
  openIssues: number;
  /** The asking token's rights; GitHub leaves them out for anonymous requests. */
  permissions?: { admin: boolean; push: boolean; pull: boolean };
}

export interface IssueTracker {
  /** Issues of a repository updated at or after `since`, oldest update first, one page at a time. */
  listIssues(params: {
    owner: string;
    repo: string;
    since?: string;
    token?: string;
  }): AsyncIterable<TrackerIssue[]>;
  /**
   * One repository, for someone waiting on the answer: a rate limit fails at once instead of being
   * waited out. Fails like `listIssues`: `not_found` when the token cannot see it, else an `UpstreamError`.
   */
  getRepository(params: { owner: string; repo: string; token?: string }): Promise<TrackerRepository>;
}

/** Schedules background work; the composition root decides how (BullMQ, or nothing). */
export interface Scheduler {
  /** Asks for a Reddit poll of the project now. */
  requestRedditPoll(projectId: string): Promise<void>;
  /** Keeps the project's recurring Reddit poll in step with its subreddit list. */
  syncRedditSchedule(projectId: string, subreddits: string[]): Promise<void>;
}

/** New posts of a subreddit, as Reddit's listings carry them. */
export interface RedditFeed {
  fetchNew(subreddit: string): Promise<RawRedditPost[]>;
}

/** Where producers send what they fetched: the backend's ingest routes, over HTTP. */
export interface IngestSink {
  /** Posts one Reddit post to the project's `/ingest/reddit`; answers whether it was new. */
  postReddit(projectId: string, post: RawRedditPost): Promise<'created' | 'duplicate'>;
}

/** Turns texts into L2-normalized vectors: one provider, one model. */
export interface Embedder {
  /** `provider:model[:dimensions]`; part of every cache key. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in order, each L2-normalized. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

/** Embeddings by `sha256(embedder id, text)`, stored as binary Float32: nothing is embedded twice. */
export interface EmbeddingCache {
  getMany(embedderId: string, texts: string[]): Promise<Array<Float32Array | null>>;
  setMany(embedderId: string, entries: Array<[text: string, vector: Float32Array]>): Promise<void>;
}

/**
 * The vector space clustering works in (an embedder, or the offline lexical + semantic hybrid).
 * Thresholds belong to a representation: each has its own tuned default.
 */
export interface Representation {
  /** Identifies the vector space; vectors of different ids are never compared. */
  readonly id: string;
  readonly dimensions: number;
  /** The similarity threshold chosen for this representation on the dev data. */
  readonly defaultThreshold: number;
  /** L2-normalized vectors for a project's texts; may learn per-project statistics as it goes. */
  vectorize(projectId: string, texts: string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

/** A language model that answers a prompt with text (JSON is asked for and validated by the caller). */
export interface LlmClient {
  /** `provider:model`. */
  readonly id: string;
  complete(prompt: { system: string; user: string; maxTokens?: number }): Promise<string>;
}
