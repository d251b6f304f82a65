import { AesGcmSecretBox, InternalTokens } from '@fixloop/adapters';
import type {
  FeedbackDeps,
  GithubSyncDeps,
  IssueTracker,
  Logger,
  ProjectDeps,
  Scheduler,
  SubredditDeps,
} from '@fixloop/domain';
import { RedisApiKeyStore, RedisFeedbackStore, RedisProjectStore } from '@fixloop/store';
import type { Redis, RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { createRedis } from './infra/redis.js';

/** Everything a process needs, built once from config at the composition root. */
export interface Container {
  config: Config;
  redisUrl: string;
  secretsKey: string;
  redis: Redis;
  log: Logger & { child(bindings: object): Logger };
  feedback: RedisFeedbackStore;
  projects: RedisProjectStore;
  apiKeys: RedisApiKeyStore;
  tokens: InternalTokens;
  scheduler: Scheduler;
  tracker: IssueTracker;
  feedbackDeps: FeedbackDeps;
  projectDeps: ProjectDeps;
  subredditDeps: SubredditDeps;
  githubDeps: GithubSyncDeps;
  close(): Promise<void>;
}

export interface ContainerParts {
  config: Config;
  redisUrl: string;
  secretsKey: string;
  log: Logger & { child(bindings: object): Logger };
  scheduler: Scheduler;
  tracker: IssueTracker;
  /** Extra resources closed with the container (queues, workers). */
  onClose?: Array<() => Promise<void>>;
  /** Options for the container's Redis connection (e.g. `lazyConnect` for tools that never query). */
  redisOptions?: RedisOptions;
}

export function createContainer(parts: ContainerParts): Container {
  const redis = createRedis(parts.redisUrl, parts.redisOptions);
  const now = () => new Date();
  const feedback = new RedisFeedbackStore(redis, now);
  const projects = new RedisProjectStore(redis);
  const apiKeys = new RedisApiKeyStore(redis);
  const cipher = new AesGcmSecretBox(parts.secretsKey);
  const feedbackDeps: FeedbackDeps = { feedback, log: parts.log };
  const projectDeps: ProjectDeps = { projects, apiKeys, cipher, now };
  return {
    config: parts.config,
    redisUrl: parts.redisUrl,
    secretsKey: parts.secretsKey,
    redis,
    log: parts.log,
    feedback,
    projects,
    apiKeys,
    tokens: new InternalTokens(parts.secretsKey),
    scheduler: parts.scheduler,
    tracker: parts.tracker,
    feedbackDeps,
    projectDeps,
    subredditDeps: { projects, scheduler: parts.scheduler, envSubreddits: parts.config.reddit.subreddits },
    githubDeps: { ...feedbackDeps, projects, tracker: parts.tracker, now },
    async close() {
      for (const close of parts.onClose ?? []) await close();
      redis.disconnect();
    },
  };
}
