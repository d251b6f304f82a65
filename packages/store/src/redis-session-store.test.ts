import { randomUUID } from 'node:crypto';
import type { KeySessionRecord, SessionRecord } from '@fixloop/domain';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisSessionStore } from './redis-session-store.js';

const redis = createRedis(inject('redisUrl'));
const store = new RedisSessionStore(redis);
afterAll(() => redis.disconnect());

const hash = () => randomUUID().replaceAll('-', '');
const record = (): SessionRecord => ({
  keyHash: hash(),
  kind: 'key',
  projectId: `p-${hash().slice(0, 8)}`,
  keyId: randomUUID(),
  createdAt: '2026-01-01T00:00:00.000Z',
  refreshedAtMs: 1_767_225_600_000,
});

describe('RedisSessionStore', () => {
  it('stores a session under the token hash with an expiry, and reads it back', async () => {
    const h = hash();
    const r = record();
    await store.create(h, r, 60_000);
    expect(await store.get(h)).toEqual(r);
    const ttl = await redis.pttl(keys.session(h));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('pushes the expiry back on refresh, and never brings back a deleted session', async () => {
    const h = hash();
    await store.create(h, record(), 5_000);
    expect(await store.refresh(h, 90_000, 1_767_225_700_000)).toBe(true);
    expect(await redis.pttl(keys.session(h))).toBeGreaterThan(85_000);
    expect((await store.get(h))?.refreshedAtMs).toBe(1_767_225_700_000);

    await store.delete(h);
    expect(await store.get(h)).toBeNull();
    expect(await store.refresh(h, 90_000, 1_767_225_800_000)).toBe(false);
    expect(await redis.exists(keys.session(h))).toBe(0);
  });

  it('answers null for an unknown or malformed session', async () => {
    expect(await store.get(hash())).toBeNull();
    const h = hash();
    await redis.hset(keys.session(h), { keyHash: 'x', kind: 'owner', projectId: 'p', keyId: 'k' });
    expect(await store.get(h)).toBeNull();
    await redis.del(keys.session(h));
  });
});

describe('user sessions and project sessions', () => {
  it('stores a user session with the user id only', async () => {
    const h = hash();
    const r = {
      kind: 'user' as const,
      userId: randomUUID(),
      createdAt: '2026-01-01T00:00:00.000Z',
      refreshedAtMs: 5,
    };
    await store.create(h, r, 60_000);
    expect(await store.get(h)).toEqual(r);
    expect(Object.keys(await redis.hgetall(keys.session(h))).sort()).toEqual([
      'createdAt',
      'kind',
      'refreshedAtMs',
      'userId',
    ]);
  });

  it("ends every session opened with a project's keys, and only those", async () => {
    const pid = `p-${hash().slice(0, 8)}`;
    const [a, b, other] = [hash(), hash(), hash()];
    await store.create(a, { ...(record() as KeySessionRecord), projectId: pid }, 60_000);
    await store.create(b, { ...(record() as KeySessionRecord), projectId: pid }, 60_000);
    await store.create(other, record(), 60_000);
    expect(await redis.zcard(keys.projectSessions(pid))).toBe(2);
    expect(await store.deleteForProject(pid)).toBe(2);
    expect(await store.get(a)).toBeNull();
    expect(await store.get(b)).toBeNull();
    expect(await store.get(other)).not.toBeNull();
    expect(await redis.exists(keys.projectSessions(pid))).toBe(0);
  });
});
