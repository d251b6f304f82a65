import { randomUUID } from 'node:crypto';
import type { FeedbackItem, NewFeedback } from '@fixloop/contracts';
import type { ClusterDigest, ClusteringDeps, ClusteringScheduler, ClusterSummarizer } from '@fixloop/domain';
import { keys, RedisClusterJobStore, RedisClusterStore, RedisFeedbackStore } from '@fixloop/store';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { inject } from 'vitest';
import { InProcessEngine } from '../../src/clustering/in-process-engine.js';
import { createRedis } from '../../src/infra/redis.js';
import { TopicRepresentation } from './topic-representation.js';

/** Records what the runner queues instead of queueing it (the BullMQ path has its own tests). */
export class RecordingScheduler implements ClusteringScheduler {
  readonly calls: Array<{ projectId: string; jobId: string; delayMs: number }> = [];
  async enqueueClustering(projectId: string, jobId: string, delayMs: number): Promise<void> {
    this.calls.push({ projectId, jobId, delayMs });
  }
  readonly promoted: Array<{ projectId: string; jobId: string }> = [];
  async promoteClustering(projectId: string, jobId: string): Promise<void> {
    this.promoted.push({ projectId, jobId });
  }
}

/** Titles a cluster after its first report; enough to check that digests are written. */
export class FirstTitleSummarizer implements ClusterSummarizer {
  async summarize(input: { items: FeedbackItem[] }): Promise<ClusterDigest> {
    const titles = input.items.map((i) => i.title).sort();
    return { title: titles[0] ?? '', summary: `${input.items.length} reports`, terms: [], by: 'offline' };
  }
}

export interface Harness {
  redis: Redis;
  tx: Redis;
  deps: ClusteringDeps;
  representation: TopicRepresentation;
  scheduler: RecordingScheduler;
  projectId: string;
  add(title: string, body?: string): Promise<FeedbackItem>;
  /** Every cluster id with its member ids, read straight from Redis. */
  memberships(): Promise<Map<string, string[]>>;
  close(): Promise<void>;
}

export function createHarness(overrides: Partial<ClusteringDeps['settings']> = {}): Harness {
  const redis = createRedis(inject('redisUrl'));
  const tx = createRedis(inject('redisUrl'));
  const projectId = `t-${randomUUID().slice(0, 12)}`;
  const feedback = new RedisFeedbackStore(redis);
  const representation = new TopicRepresentation();
  const scheduler = new RecordingScheduler();
  const deps: ClusteringDeps = {
    feedback,
    clusters: new RedisClusterStore(redis, tx),
    jobs: new RedisClusterJobStore(redis),
    representation,
    engine: new InProcessEngine(),
    summarizer: new FirstTitleSummarizer(),
    scheduler,
    textTerms: (t) => t.toLowerCase().split(/\W+/).filter(Boolean),
    settings: {
      method: 'agglomerative',
      minClusterSize: 2,
      truncateBodyChars: 1500,
      batchSize: 50,
      lockTtlMs: 2_000,
      heartbeatMs: 200,
      debounceMs: 0,
      retryDelayMs: 1_000,
      ...overrides,
    },
    log: pino({ level: 'silent' }),
    now: () => new Date(),
    newId: randomUUID,
  };
  return {
    redis,
    tx,
    deps,
    representation,
    scheduler,
    projectId,
    async add(title, body = '') {
      const input: NewFeedback = { source: 'manual', title, body, status: 'open', metadata: {} };
      return (await feedback.addFeedbackItem(projectId, input)).item;
    },
    async memberships() {
      const ids = await redis.zrange(keys.clustersAll(projectId), 0, -1);
      const out = new Map<string, string[]>();
      for (const id of ids) out.set(id, (await redis.smembers(keys.clusterItems(projectId, id))).sort());
      return out;
    },
    async close() {
      redis.disconnect();
      tx.disconnect();
    },
  };
}

/** Asserts the invariant: every clustered report is in exactly one cluster, and its hash says which. */
export async function checkInvariants(h: Harness): Promise<{ clustered: number; clusters: number }> {
  const memberships = await h.memberships();
  const seen = new Map<string, string>();
  for (const [cid, members] of memberships) {
    const size = Number(await h.redis.hget(keys.cluster(h.projectId, cid), 'size'));
    if (size !== members.length)
      throw new Error(`cluster ${cid}: size ${size} but ${members.length} members`);
    for (const m of members) {
      if (seen.has(m)) throw new Error(`report ${m} is in ${seen.get(m)} and ${cid}`);
      seen.set(m, cid);
      const recorded = await h.redis.hget(keys.feedback(h.projectId, m), 'clusterId');
      if (recorded !== cid) throw new Error(`report ${m} says cluster ${recorded}, is in ${cid}`);
    }
  }
  return { clustered: seen.size, clusters: memberships.size };
}
