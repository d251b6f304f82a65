import { randomUUID } from 'node:crypto';
import {
  AesGcmSecretBox,
  GithubOAuthClient,
  InternalTokens,
  resolveHost,
  StripePayments,
} from '@fixloop/adapters';
import {
  type AccountDeps,
  type AgentDeps,
  type AgentQueue,
  agentRunPlanLimit,
  type BillingDeps,
  type BillingSettings,
  type ClusteringDeps,
  type ClusteringEngine,
  type ClusteringScheduler,
  type ClusterSummarizer,
  DEFAULT_LOGIN_LIMITS,
  DEFAULT_SCRYPT,
  DomainError,
  type FeedbackDeps,
  feedbackAllowance,
  type GithubSyncDeps,
  githubWebUrlOf,
  type IssueTracker,
  type Logger,
  type Planner,
  type ProjectDeps,
  type PullRequests,
  type RepositoryReader,
  type Representation,
  type RunnerRegistry,
  releaseHeldFeedback,
  requestClustering,
  type Scheduler,
  type SessionDeps,
  type SubredditDeps,
  type Telemetry,
} from '@fixloop/domain';
import {
  RedisAgentJobStore,
  RedisApiKeyStore,
  RedisAttemptLimiter,
  RedisAutomationStore,
  RedisBillingStore,
  RedisClusterJobStore,
  RedisClusterStore,
  RedisCodingPlanStore,
  RedisFeedbackStore,
  RedisJobLogStore,
  RedisMemberStore,
  RedisOneTimeStore,
  RedisProjectStore,
  RedisSessionStore,
  RedisUsageStore,
  RedisUserStore,
} from '@fixloop/store';
import type { Redis, RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { createRedis } from './infra/redis.js';
import { KeyedThrottle } from './infra/throttle.js';
import { type CountedQueue, PromMetrics } from './metrics/prom-metrics.js';

/** The clustering parts chosen from config (representation, engine, summarizer, queue). */
export interface ClusteringParts {
  representation: Representation;
  engine: ClusteringEngine;
  summarizer: ClusterSummarizer;
  scheduler: ClusteringScheduler;
  textTerms: (text: string) => string[];
}

/** The coding-agent parts chosen from config (planner, repository reader, runners, PRs, queue). */
export interface AgentParts {
  planner: Planner;
  reader: RepositoryReader | null;
  runners: RunnerRegistry;
  pullRequests: PullRequests;
  queue: AgentQueue;
}

/** Everything a process needs, built once from config at the composition root. */
export interface Container {
  config: Config;
  redisUrl: string;
  secretsKey: string;
  redis: Redis;
  log: Logger & { child(bindings: object): Logger };
  /** This container's Prometheus registry and the `Telemetry` everything reports through. */
  metrics: PromMetrics;
  feedback: RedisFeedbackStore;
  projects: RedisProjectStore;
  apiKeys: RedisApiKeyStore;
  clusters: RedisClusterStore;
  clusterJobs: RedisClusterJobStore;
  tokens: InternalTokens;
  scheduler: Scheduler;
  tracker: IssueTracker;
  feedbackDeps: FeedbackDeps;
  projectDeps: ProjectDeps;
  subredditDeps: SubredditDeps;
  githubDeps: GithubSyncDeps;
  clusteringDeps: ClusteringDeps;
  sessionDeps: SessionDeps;
  agentJobs: RedisAgentJobStore;
  agentDeps: AgentDeps;
  billingDeps: BillingDeps;
  // Accounts.
  users: RedisUserStore;
  members: RedisMemberStore;
  accountDeps: AccountDeps;
  close(): Promise<void>;
}

export interface ContainerParts {
  config: Config;
  redisUrl: string;
  secretsKey: string;
  log: Logger & { child(bindings: object): Logger };
  scheduler: Scheduler;
  tracker: IssueTracker;
  /** Builds the clustering parts on the container's Redis connection, reporting to `telemetry`. */
  clustering: (redis: Redis, telemetry: Telemetry) => ClusteringParts;
  /** Queues whose depths `/metrics` reports (read at scrape time). */
  queues?: CountedQueue[];
  /** Absent in tools that never plan or run fixes (e.g. the OpenAPI writer). */
  agents?: AgentParts;
  /** Extra resources closed with the container (queues, workers). */
  onClose?: Array<() => Promise<void>>;
  /** Options for the container's Redis connections (e.g. `lazyConnect` for tools that never query). */
  redisOptions?: RedisOptions;
}

/** Ingest asks for a clustering run at most this often per project (and once after a burst). */
const TRIGGER_EVERY_MS = 250;
/**
 * The store's connections retry at least every 250 ms and fail the waiting commands after 10
 * attempts (about 2 s), so while Redis is down a request answers 503 instead of hanging, and a
 * restart of Redis shorter than that goes unnoticed. BullMQ's connections wait for Redis (they must).
 */
const STORE_REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 10,
  retryStrategy: (attempt) => Math.min(attempt * 50, 250),
};
/** A session in use has its expiry pushed back at most this often. */
const SESSION_REFRESH_EVERY_MS = 60_000;

/** Agent parts for processes built without them: every use is a clear refusal. */
function agentsUnavailable(): AgentParts {
  const refuse = (): never => {
    throw new DomainError('conflict', 'coding agents are not available in this process');
  };
  return {
    planner: { id: 'unavailable', plan: async () => refuse() },
    reader: null,
    runners: { get: refuse, names: () => [] },
    pullRequests: { openDraft: async () => refuse() },
    queue: { enqueue: async () => refuse(), signalCancel: async () => {} },
  };
}

export function createContainer(parts: ContainerParts): Container {
  const storeOptions = { ...STORE_REDIS_OPTIONS, ...parts.redisOptions };
  // Commands of concurrent requests issued in the same tick go out in one write (auto-pipelining):
  // under load most of a report's cost was one socket write per command.
  const redis = createRedis(parts.redisUrl, { ...storeOptions, enableAutoPipelining: true });
  // Cluster transactions WATCH keys, so they get a connection of their own.
  const tx = createRedis(parts.redisUrl, storeOptions);
  const now = () => new Date();
  const billingSettings: BillingSettings = {
    enabled: parts.config.billing.enabled,
    plans: parts.config.billing.plans,
    prices: parts.config.billing.prices,
    publicUrl: parts.config.publicUrl,
  };
  const feedback = new RedisFeedbackStore(redis, now, feedbackAllowance(billingSettings));
  const projects = new RedisProjectStore(redis);
  const apiKeys = new RedisApiKeyStore(redis);
  const clusters = new RedisClusterStore(redis, tx);
  const clusterJobs = new RedisClusterJobStore(redis);
  const cipher = new AesGcmSecretBox(parts.secretsKey);
  const cfg = parts.config.clustering;
  const metrics = new PromMetrics();
  metrics.watchQueues(parts.queues ?? []);
  const clustering = parts.clustering(redis, metrics);
  const clusteringDeps: ClusteringDeps = {
    feedback,
    clusters,
    jobs: clusterJobs,
    representation: clustering.representation,
    engine: clustering.engine,
    summarizer: clustering.summarizer,
    scheduler: clustering.scheduler,
    textTerms: clustering.textTerms,
    settings: {
      method: cfg.method,
      ...(cfg.simThreshold === undefined ? {} : { simThreshold: cfg.simThreshold }),
      minClusterSize: cfg.minClusterSize,
      truncateBodyChars: cfg.truncateBodyChars,
      batchSize: cfg.batchSize,
      lockTtlMs: cfg.lockTtlMs,
      heartbeatMs: Math.max(200, Math.floor(cfg.lockTtlMs / 6)),
      debounceMs: cfg.debounceMs,
      retryDelayMs: 60_000,
    },
    log: parts.log,
    now,
    newId: randomUUID,
  };
  // A pending run takes every waiting report, and a run checks for late arrivals before it ends,
  // so throttling the requests never leaves a report behind.
  const trigger = new KeyedThrottle(
    TRIGGER_EVERY_MS,
    async (projectId) => {
      await requestClustering(clusteringDeps, projectId);
    },
    (err, projectId) => parts.log.warn({ err, projectId }, 'could not schedule clustering'),
  );
  const feedbackDeps: FeedbackDeps = {
    feedback,
    log: parts.log,
    telemetry: metrics,
    onUnclustered: async (projectId) => trigger.call(projectId),
    leaveCluster: async (projectId, feedbackId) => {
      await clusters.moveItems(projectId, [{ itemId: feedbackId, to: null }], { now: now() });
    },
    onHeldReleasable: async (projectId) => {
      await releaseHeldFeedback(billingDeps, projectId);
    },
  };
  const projectDeps: ProjectDeps = { projects, apiKeys, cipher, now };
  const users = new RedisUserStore(redis);
  const members = new RedisMemberStore(redis);
  const sessionDeps: SessionDeps = {
    sessions: new RedisSessionStore(redis),
    apiKeys,
    projects,
    users,
    members,
    now,
    ttlMs: parts.config.sessions.ttlS * 1000,
    refreshEveryMs: SESSION_REFRESH_EVERY_MS,
  };
  const accounts = parts.config.accounts;
  const accountDeps: AccountDeps = {
    ...sessionDeps,
    cipher,
    limiter: new RedisAttemptLimiter(redis),
    oauthStates: new RedisOneTimeStore(redis),
    github: accounts.github
      ? new GithubOAuthClient({ ...accounts.github, apiUrl: parts.config.github.apiUrl })
      : null,
    settings: {
      allowSignup: accounts.allowSignup,
      scrypt: DEFAULT_SCRYPT,
      loginLimits: DEFAULT_LOGIN_LIMITS,
    },
  };
  const tokens = new InternalTokens(parts.secretsKey);
  const agentJobs = new RedisAgentJobStore(redis);
  const a = parts.config.agents;
  const agentDeps: AgentDeps = {
    ...(parts.agents ?? agentsUnavailable()),
    plans: new RedisCodingPlanStore(redis),
    jobs: agentJobs,
    logs: new RedisJobLogStore(redis),
    automation: new RedisAutomationStore(redis),
    planRunLimit: (projectId) => agentRunPlanLimit(billingDeps, projectId),
    users,
    clustering: clusteringDeps,
    projects: projectDeps,
    settings: {
      runner: a.runner,
      maxConcurrentRuns: a.maxConcurrentRuns,
      maxRunsPerMonth: a.maxRunsPerMonth,
      allowLocalRepositories: a.allowLocalRepositories,
      allowPrivateUrls: parts.config.edges.allowPrivateUrls,
      githubWebUrl: githubWebUrlOf(parts.config.github.apiUrl),
      serverToken: parts.config.github.token,
      planRepositoryTimeoutMs: 60_000,
    },
    resolveHost,
    jobCallback: (projectId, jobId) => ({
      url: `${parts.config.backendUrl}/projects/${projectId}/jobs/${jobId}`,
      token: tokens.issue(projectId, 'agent-job', Math.ceil(a.timeoutMs / 1000) + 3_600, Date.now(), jobId),
    }),
    log: parts.log,
    now,
    newId: randomUUID,
  };
  // Billing: plans and usage (counted, but unlimited, when billing is off).
  const billingDeps: BillingDeps = {
    billing: new RedisBillingStore(redis),
    usage: new RedisUsageStore(redis, feedbackAllowance(billingSettings)),
    members: { count: async (projectId) => (await members.list(projectId)).length },
    payments: parts.config.billing.stripe ? new StripePayments(parts.config.billing.stripe) : null,
    projects,
    settings: billingSettings,
    onReleased: async (projectId) => trigger.call(projectId),
    log: parts.log,
    now,
  };
  return {
    config: parts.config,
    redisUrl: parts.redisUrl,
    secretsKey: parts.secretsKey,
    redis,
    log: parts.log,
    metrics,
    feedback,
    projects,
    apiKeys,
    clusters,
    clusterJobs,
    tokens,
    scheduler: parts.scheduler,
    tracker: parts.tracker,
    feedbackDeps,
    projectDeps,
    subredditDeps: { projects, scheduler: parts.scheduler, envSubreddits: parts.config.reddit.subreddits },
    githubDeps: { ...feedbackDeps, projects, tracker: parts.tracker, now },
    clusteringDeps,
    sessionDeps,
    agentJobs,
    agentDeps,
    billingDeps,
    users,
    members,
    accountDeps,
    async close() {
      trigger.close();
      for (const close of parts.onClose ?? []) await close();
      await clustering.representation.close?.();
      await clustering.engine.close?.();
      redis.disconnect();
      tx.disconnect();
    },
  };
}
