import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisApiKeyStore } from './redis-api-key-store.js';

const redis = createRedis(inject('redisUrl'));
const store = new RedisApiKeyStore(redis);
afterAll(() => redis.disconnect());

const hash = () => randomUUID().replaceAll('-', '');

describe('admin keys', () => {
  it('adds generated admin keys beside each other and lets an explicit one revoke the rest', async () => {
    const a = hash();
    const b = hash();
    const c = hash();
    await store.installAdminKey(a, '2026-01-01T00:00:00.000Z', false);
    await store.installAdminKey(b, '2026-01-02T00:00:00.000Z', false);
    expect((await store.findByHash(a))?.admin).toBe(true);
    expect((await store.findByHash(b))?.admin).toBe(true);

    await store.installAdminKey(c, '2026-01-03T00:00:00.000Z', true);
    expect(await store.findByHash(a)).toBeNull();
    expect(await store.findByHash(b)).toBeNull();
    expect((await store.findByHash(c))?.admin).toBe(true);
    expect(await redis.smembers(keys.adminKeys())).toEqual([c]);
  });

  it('keeps the first creation time when a key is installed again', async () => {
    const h = hash();
    await store.installAdminKey(h, '2026-02-01T00:00:00.000Z', false);
    await store.installAdminKey(h, '2026-03-01T00:00:00.000Z', false);
    expect((await store.findByHash(h))?.createdAt).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('project keys', () => {
  const record = (projectId: string, scopes: Array<'ingest' | 'read' | 'admin'>) => ({
    id: randomUUID(),
    projectId,
    name: 'k',
    prefix: 'flk_abc',
    createdAt: '2026-01-01T00:00:00.000Z',
    admin: false,
    scopes,
  });

  it('keeps scopes; a key stored before scopes existed reads as admin', async () => {
    const pid = `p-${hash().slice(0, 8)}`;
    const [h1, h2] = [hash(), hash()];
    await store.create(record(pid, ['ingest', 'read']), h1);
    await store.create(record(pid, ['read']), h2);
    expect((await store.findByHash(h1))?.scopes).toEqual(['ingest', 'read']);
    await redis.hdel(keys.apiKey(h2), 'scopes');
    expect((await store.findByHash(h2))?.scopes).toEqual(['admin']);
    await redis.hset(keys.apiKey(h2), 'scopes', 'everything');
    expect((await store.findByHash(h2))?.scopes).toEqual([]);
  });

  it('deletes every key of a project at once', async () => {
    const pid = `p-${hash().slice(0, 8)}`;
    const [h1, h2, other] = [hash(), hash(), hash()];
    await store.create(record(pid, ['admin']), h1);
    await store.create(record(pid, ['read']), h2);
    await store.create(record(`p-${hash().slice(0, 8)}`, ['read']), other);
    expect((await store.deleteAll(pid)).sort()).toEqual([h1, h2].sort());
    expect(await store.findByHash(h1)).toBeNull();
    expect(await store.findByHash(h2)).toBeNull();
    expect(await store.findByHash(other)).not.toBeNull();
    expect(await redis.exists(keys.apiKeys(pid))).toBe(0);
  });
});
