import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisProjectStore } from './redis-project-store.js';

const redis = createRedis(inject('redisUrl'));
const store = new RedisProjectStore(redis);
afterAll(() => redis.disconnect());

const pid = () => `p-${randomUUID().slice(0, 12)}`;

describe('RedisProjectStore.rename', () => {
  it('changes only the name of an existing project', async () => {
    const id = pid();
    await store.create({ id, name: 'Before', createdAt: '2026-01-01T00:00:00.000Z' });
    await store.setRepository(id, { owner: 'acme', name: 'web' });

    expect(await store.rename(id, 'After')).toBe(true);
    expect(await store.get(id)).toEqual({
      id,
      name: 'After',
      createdAt: '2026-01-01T00:00:00.000Z',
      repository: { owner: 'acme', name: 'web' },
      secretNames: [],
    });
  });

  it('answers false for an unknown id and writes nothing', async () => {
    const id = pid();
    expect(await store.rename(id, 'Ghost')).toBe(false);
    expect(await redis.exists(keys.project(id))).toBe(0);
    expect(await store.get(id)).toBeNull();
  });
});

describe('RedisProjectStore.purge', () => {
  it('deletes the project, everything under its prefix in batches, and its index entry; nothing else', async () => {
    const id = pid();
    const neighbour = `${id}-2`;
    await store.create({ id, name: 'Doomed', createdAt: '2026-01-01T00:00:00.000Z', ownerUserId: 'u1' });
    await store.create({ id: neighbour, name: 'Neighbour', createdAt: '2026-01-01T00:00:00.000Z' });
    expect((await store.get(id))?.ownerUserId).toBe('u1');
    const p = redis.pipeline();
    for (let i = 0; i < 1_200; i++) p.set(keys.feedback(id, `f${i}`), 'x');
    p.set(keys.feedback(neighbour, 'f1'), 'x');
    await p.exec();

    expect(await store.purge(id)).toBe(1_201);
    expect(await redis.exists(keys.project(id))).toBe(0);
    expect(await redis.sismember(keys.projectsAll(), id)).toBe(0);
    const [, left] = await redis.scan('0', 'MATCH', `${keys.prefix(id)}*`, 'COUNT', 10_000);
    expect(left).toEqual([]);
    expect(await redis.exists(keys.project(neighbour), keys.feedback(neighbour, 'f1'))).toBe(2);
    await store.purge(neighbour);
  });
});
