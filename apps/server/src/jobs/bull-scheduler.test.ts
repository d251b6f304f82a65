import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../infra/redis.js';
import { runWithRequestId } from '../infra/request-context.js';
import { BullScheduler } from './bull-scheduler.js';
import { jobIds } from './catalog.js';

let connection: Redis;
let scheduler: BullScheduler;

beforeAll(() => {
  connection = createRedis(inject('redisUrl'));
  scheduler = new BullScheduler(connection, `test-sched-${randomBytes(4).toString('hex')}`, 60_000);
});
afterAll(async () => {
  for (const q of scheduler.queues()) await q.obliterate({ force: true });
  await scheduler.close();
  connection.disconnect();
});

describe('BullScheduler', () => {
  it('puts the id of the request being served into the payloads it queues', async () => {
    await runWithRequestId('req-abc', async () => {
      await scheduler.enqueueClustering('acme', 'cj-1', 60_000);
      await scheduler.enqueue('acme', 'aj-1');
      await scheduler.requestRedditPoll('acme');
    });
    expect((await scheduler.clusteringQueue.getJob('clustering-cj-1'))?.data).toEqual({
      projectId: 'acme',
      clusterJobId: 'cj-1',
      requestId: 'req-abc',
    });
    expect((await scheduler.agentQueue.getJob('agent-aj-1'))?.data).toEqual({
      projectId: 'acme',
      jobId: 'aj-1',
      requestId: 'req-abc',
    });
    expect((await scheduler.redditQueue.getJob(jobIds.redditPollNow('acme')))?.data).toEqual({
      projectId: 'acme',
      requestId: 'req-abc',
    });
  });

  it('queues without a request id outside a request', async () => {
    await scheduler.enqueueClustering('acme', 'cj-2', 60_000);
    expect((await scheduler.clusteringQueue.getJob('clustering-cj-2'))?.data).toEqual({
      projectId: 'acme',
      clusterJobId: 'cj-2',
    });
  });

  it('answers its queues for the depth metrics', async () => {
    const names = scheduler.queues().map((q) => q.name);
    expect(names).toEqual(['reddit', 'clustering', 'agent', 'billing']);
    const counts = await scheduler.clusteringQueue.getJobCounts();
    expect(counts.delayed).toBe(2);
  });
});
