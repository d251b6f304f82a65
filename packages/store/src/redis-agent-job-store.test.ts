import { randomUUID } from 'node:crypto';
import type { AgentJob } from '@fixloop/contracts';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisAgentJobStore } from './redis-agent-job-store.js';
import { RedisJobLogStore } from './redis-job-log-store.js';

const redis = createRedis(inject('redisUrl'));
const store = new RedisAgentJobStore(redis);
const logs = new RedisJobLogStore(redis, 50);
afterAll(() => redis.disconnect());

const project = () => `p-${randomUUID().slice(0, 8)}`;
let clock = Date.parse('2026-05-01T00:00:00.000Z');
function job(projectId: string, clusterId: string, extra: Partial<AgentJob> = {}): AgentJob {
  clock += 1_000;
  return {
    id: randomUUID(),
    projectId,
    clusterId,
    planId: randomUUID(),
    runner: 'local',
    status: 'queued',
    stats: {},
    createdAt: new Date(clock).toISOString(),
    ...extra,
  };
}
const roomy = { maxConcurrent: 10, maxPerMonth: 100, month: '2026-05' };

describe('RedisAgentJobStore', () => {
  it('admits a job and reads it back, indexed for the project and the cluster', async () => {
    const pid = project();
    const j = job(pid, 'c1');
    expect(await store.create(pid, j, roomy)).toEqual({ ok: true, job: j });
    expect(await store.get(pid, j.id)).toEqual(j);
    expect((await store.list(pid, { limit: 10 })).items.map((x) => x.id)).toEqual([j.id]);
    expect((await store.list(pid, { limit: 10, clusterId: 'c1' })).items.map((x) => x.id)).toEqual([j.id]);
    expect((await store.list(pid, { limit: 10, clusterId: 'c2' })).items).toEqual([]);
    expect(await redis.get(keys.agentRunsUsage(pid, '2026-05'))).toBe('1');
  });

  it('refuses a second active job for the same cluster, and admits one once the first ended', async () => {
    const pid = project();
    const first = job(pid, 'c1');
    await store.create(pid, first, roomy);
    const second = job(pid, 'c1');
    expect(await store.create(pid, second, roomy)).toEqual({
      ok: false,
      reason: 'cluster_busy',
      activeJobId: first.id,
    });
    expect(await store.get(pid, second.id)).toBeNull();
    await store.transition(pid, first.id, ['queued'], 'running');
    expect((await store.create(pid, second, roomy)).ok).toBe(false);
    await store.transition(pid, first.id, ['running'], 'failed', { error: 'boom' });
    expect((await store.create(pid, second, roomy)).ok).toBe(true);
  });

  it('counts queued and running jobs against the concurrency limit, per project', async () => {
    const pid = project();
    const limits = { ...roomy, maxConcurrent: 2 };
    const a = job(pid, 'a');
    const b = job(pid, 'b');
    expect((await store.create(pid, a, limits)).ok).toBe(true);
    expect((await store.create(pid, b, limits)).ok).toBe(true);
    expect(await store.create(pid, job(pid, 'c'), limits)).toEqual({
      ok: false,
      reason: 'concurrency',
      limit: 2,
    });
    // Another project is not affected.
    const other = project();
    expect((await store.create(other, job(other, 'c'), limits)).ok).toBe(true);
    await store.transition(pid, a.id, ['queued'], 'cancelled');
    expect((await store.create(pid, job(pid, 'c'), limits)).ok).toBe(true);
  });

  it('stops admitting at the monthly limit, and a new month starts again', async () => {
    const pid = project();
    const limits = { maxConcurrent: 10, maxPerMonth: 2, month: '2026-05' };
    for (const c of ['a', 'b']) {
      const j = job(pid, c);
      await store.create(pid, j, limits);
      await store.transition(pid, j.id, ['queued'], 'succeeded');
    }
    expect(await store.create(pid, job(pid, 'c'), limits)).toEqual({
      ok: false,
      reason: 'monthly',
      limit: 2,
    });
    expect((await store.create(pid, job(pid, 'c'), { ...limits, month: '2026-06' })).ok).toBe(true);
    expect(await redis.ttl(keys.agentRunsUsage(pid, '2026-06'))).toBeGreaterThan(300 * 24 * 3600);
  });

  it('moves a job only from the statuses it names, with its fields', async () => {
    const pid = project();
    const j = job(pid, 'c1');
    await store.create(pid, j, roomy);
    expect(await store.transition(pid, j.id, ['running'], 'succeeded')).toBeNull();
    const running = await store.transition(pid, j.id, ['queued'], 'running', {
      startedAt: '2026-05-01T01:00:00.000Z',
    });
    expect(running).toMatchObject({ status: 'running', startedAt: '2026-05-01T01:00:00.000Z' });
    const done = await store.transition(pid, j.id, ['running'], 'succeeded', {
      branch: 'fixloop/c1',
      prUrl: 'https://github.com/acme/shop/pull/7',
      commitSha: 'abc1234',
      stats: { filesChanged: 2, insertions: 5, deletions: 1 },
      finishedAt: '2026-05-01T01:05:00.000Z',
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      branch: 'fixloop/c1',
      prUrl: 'https://github.com/acme/shop/pull/7',
      stats: { filesChanged: 2, insertions: 5, deletions: 1 },
    });
    expect(await store.transition(pid, j.id, ['queued', 'running'], 'cancelled')).toBeNull();
    expect(await store.transition(pid, randomUUID(), ['queued'], 'running')).toBeNull();
    expect(await redis.sismember(keys.agentJobsActive(pid), j.id)).toBe(0);
    expect(await redis.exists(keys.clusterActiveAgentJob(pid, 'c1'))).toBe(0);
  });

  it('pages newest first and filters by status across pages', async () => {
    const pid = project();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const j = job(pid, `c${i}`);
      await store.create(pid, j, roomy);
      if (i % 2 === 0) await store.transition(pid, j.id, ['queued'], 'failed');
      ids.unshift(j.id);
    }
    const first = await store.list(pid, { limit: 3 });
    expect(first.items.map((j) => j.id)).toEqual(ids.slice(0, 3));
    const second = await store.list(pid, { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((j) => j.id)).toEqual(ids.slice(3, 6));
    const third = await store.list(pid, { limit: 3, cursor: second.nextCursor });
    expect(third.items.map((j) => j.id)).toEqual(ids.slice(6));
    expect(third.nextCursor).toBeUndefined();
    const failed = await store.list(pid, { limit: 10, status: 'failed' });
    expect(failed.items).toHaveLength(4);
    expect(failed.items.every((j) => j.status === 'failed')).toBe(true);
  });

  it('remembers the cluster status to restore', async () => {
    const pid = project();
    const j = job(pid, 'c1');
    await store.create(pid, j, roomy);
    expect(await store.previousClusterStatus(pid, j.id)).toBeNull();
    await store.rememberClusterStatus(pid, j.id, 'planned');
    expect(await store.previousClusterStatus(pid, j.id)).toBe('planned');
  });
});

describe('RedisJobLogStore', () => {
  it('keeps lines in order with their step and stream, and reads on after an id', async () => {
    const pid = project();
    await logs.append(pid, 'j1', [
      { step: 'clone', stream: 'info', line: 'cloning' },
      { step: 'agent', stream: 'stdout', line: 'editing' },
      { step: 'agent', stream: 'stderr', line: 'warning' },
    ]);
    const all = await logs.read(pid, 'j1', undefined, 100);
    expect(all.map((l) => [l.step, l.stream, l.line])).toEqual([
      ['clone', 'info', 'cloning'],
      ['agent', 'stdout', 'editing'],
      ['agent', 'stderr', 'warning'],
    ]);
    expect(Date.parse(all[0]?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const rest = await logs.read(pid, 'j1', all[0]?.id, 100);
    expect(rest.map((l) => l.line)).toEqual(['editing', 'warning']);
    expect(await logs.read(pid, 'j1', all[2]?.id, 100)).toEqual([]);
    expect(await logs.read(pid, 'other', undefined, 100)).toEqual([]);
  });

  it('cuts very long lines and caps the stream near its maximum', async () => {
    const pid = project();
    await logs.append(pid, 'j', [{ step: 'agent', stream: 'stdout', line: 'x'.repeat(9_000) }]);
    const [long] = await logs.read(pid, 'j', undefined, 1);
    expect(long?.line.length).toBeLessThan(8_100);
    expect(long?.line.endsWith('[cut]')).toBe(true);
    const many = Array.from({ length: 500 }, (_, i) => ({
      step: 's',
      stream: 'stdout' as const,
      line: `${i}`,
    }));
    await logs.append(pid, 'k', many);
    const kept = await redis.xlen(keys.agentJobLog(pid, 'k'));
    expect(kept).toBeLessThan(500);
    expect(kept).toBeGreaterThanOrEqual(50);
    const tail = await logs.read(pid, 'k', undefined, 1_000);
    expect(tail.at(-1)?.line).toBe('499');
  });
});
