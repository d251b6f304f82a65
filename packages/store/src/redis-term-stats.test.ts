import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisTermStats } from './redis-term-stats.js';

const redis = createRedis(inject('redisUrl'));
const stats = new RedisTermStats(redis);
const projects: string[] = [];
afterAll(async () => {
  for (const pid of projects) await stats.clear(pid);
  redis.disconnect();
});

const project = (): string => {
  const pid = `terms-${randomUUID().slice(0, 8)}`;
  projects.push(pid);
  return pid;
};

describe('RedisTermStats', () => {
  it('starts empty', async () => {
    const snapshot = await stats.load(project(), 'h4096');
    expect(snapshot.documents).toBe(0);
    expect(snapshot.df.size).toBe(0);
  });

  it('counts each feature once per document and each document once', async () => {
    const pid = project();
    const counted = await stats.observe(pid, 'h4096', [
      { fingerprint: 'a', features: [1, 7] },
      { fingerprint: 'b', features: [7, 9] },
      { fingerprint: 'a', features: [1, 7] },
    ]);
    expect(counted).toEqual([true, true, false]);
    expect(await stats.observe(pid, 'h4096', [{ fingerprint: 'b', features: [7, 9] }])).toEqual([false]);
    const snapshot = await stats.load(pid, 'h4096');
    expect(snapshot.documents).toBe(2);
    expect([...snapshot.df].sort((x, y) => x[0] - y[0])).toEqual([
      [1, 1],
      [7, 2],
      [9, 1],
    ]);
    expect(await redis.scard(keys.lexicalSeen(pid))).toBe(2);
    expect(await redis.hget(keys.lexicalDf(pid), 'docs')).toBe('2');
  });

  it('drops counts made in another feature space', async () => {
    const pid = project();
    await stats.observe(pid, 'h4096', [{ fingerprint: 'a', features: [3] }]);
    expect((await stats.load(pid, 'h8192')).documents).toBe(0);
    expect(await stats.observe(pid, 'h8192', [{ fingerprint: 'a', features: [5] }])).toEqual([true]);
    const snapshot = await stats.load(pid, 'h8192');
    expect(snapshot.documents).toBe(1);
    expect([...snapshot.df]).toEqual([[5, 1]]);
    expect((await stats.load(pid, 'h4096')).documents).toBe(0);
  });

  it('keeps projects apart and forgets on clear', async () => {
    const a = project();
    const b = project();
    await stats.observe(a, 's', [{ fingerprint: 'x', features: [0] }]);
    expect((await stats.load(b, 's')).documents).toBe(0);
    await stats.clear(a);
    expect((await stats.load(a, 's')).documents).toBe(0);
    expect(await stats.observe(a, 's', [{ fingerprint: 'x', features: [0] }])).toEqual([true]);
  });

  it('counts a batch larger than one pipeline round, answering in order', async () => {
    const pid = project();
    // 600 documents: three pipeline rounds; every third one repeats an earlier fingerprint.
    const docs = Array.from({ length: 600 }, (_, i) => ({
      fingerprint: `d${i % 3 === 2 ? i - 1 : i}`,
      features: [i % 10],
    }));
    const counted = await stats.observe(pid, 's', docs);
    expect(counted).toEqual(docs.map((_, i) => i % 3 !== 2));
    const snapshot = await stats.load(pid, 's');
    expect(snapshot.documents).toBe(400);
    expect([...snapshot.df.values()].reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('answers nothing for nothing', async () => {
    expect(await stats.observe(project(), 's', [])).toEqual([]);
  });
});
