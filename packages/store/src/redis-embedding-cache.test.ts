import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { embeddingCacheHash, RedisEmbeddingCache } from './redis-embedding-cache.js';

const redis = createRedis(inject('redisUrl'));
const cache = new RedisEmbeddingCache(redis);
const written: string[] = [];
afterAll(async () => {
  if (written.length > 0) await redis.del(...written);
  redis.disconnect();
});

/** Remembers the keys a test writes, for the cleanup. */
const track = (id: string, texts: string[]) => {
  for (const t of texts) written.push(keys.embCache(embeddingCacheHash(id, t)));
};

/** Each test embeds under its own embedder id, so parallel runs never share keys. */
const embedderId = () => `test:${randomUUID()}:4`;

describe('RedisEmbeddingCache', () => {
  it('keys entries by sha256(embedder id + newline + text) and stores raw little-endian Float32', async () => {
    const id = embedderId();
    const v = new Float32Array([0.1, -0.2, 1 / 3, Number.MIN_VALUE]);
    track(id, ['crash on save']);
    await cache.setMany(id, [['crash on save', v]]);

    const hash = createHash('sha256').update(`${id}\ncrash on save`).digest('hex');
    expect(embeddingCacheHash(id, 'crash on save')).toBe(hash);
    expect(keys.embCache(hash)).toBe(`emb:${hash}`);
    const raw = await redis.getBuffer(`emb:${hash}`);
    expect(raw?.length).toBe(16);
    expect(raw?.readFloatLE(8)).toBe(Math.fround(1 / 3));

    const [back] = await cache.getMany(id, ['crash on save']);
    expect(back).toBeInstanceOf(Float32Array);
    expect(Array.from(back as Float32Array)).toEqual(Array.from(v));
  });

  it('round-trips views into larger buffers and answers null for misses, in order', async () => {
    const id = embedderId();
    const backing = new Float32Array([9, 1, 2, 3, 9, 4, 5, 6, 9]);
    const a = backing.subarray(1, 4);
    const b = backing.subarray(5, 8);
    track(id, ['a', 'b']);
    await cache.setMany(id, [
      ['a', a],
      ['b', b],
    ]);
    const got = await cache.getMany(id, ['b', 'missing', 'a']);
    expect(got.map((v) => (v ? Array.from(v) : null))).toEqual([[4, 5, 6], null, [1, 2, 3]]);
    // Another embedder id never sees these entries.
    expect(await cache.getMany(embedderId(), ['a', 'b'])).toEqual([null, null]);
  });

  it('reads with one MGET per call and writes in one pipeline', async () => {
    const id = embedderId();
    const texts = Array.from({ length: 50 }, (_, i) => `text ${i}`);
    track(id, texts);
    const monitor = await redis.duplicate().monitor();
    const seen: string[] = [];
    const clientInfo = String(await redis.client('INFO'));
    const addr = /\baddr=(\S+)/.exec(clientInfo)?.[1];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === addr) seen.push(String(args[0]).toLowerCase());
    });
    await new Promise((r) => setTimeout(r, 50));

    await cache.setMany(
      id,
      texts.map((t, i) => [t, new Float32Array([i, i + 1])]),
    );
    const got = await cache.getMany(id, texts);
    await redis.ping();
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();

    expect(got.map((v) => v?.[0])).toEqual(texts.map((_, i) => i));
    expect(seen.filter((c) => c === 'mget')).toHaveLength(1);
    expect(seen.filter((c) => c === 'set')).toHaveLength(50);
    expect(seen.filter((c) => c === 'get')).toHaveLength(0);
  });

  it('sets a TTL when configured and ignores torn values', async () => {
    const id = embedderId();
    const withTtl = new RedisEmbeddingCache(redis, { ttlSeconds: 3600 });
    track(id, ['x', 'torn']);
    await withTtl.setMany(id, [['x', new Float32Array([1])]]);
    const ttl = await redis.ttl(keys.embCache(embeddingCacheHash(id, 'x')));
    expect(ttl).toBeGreaterThan(3500);

    await redis.set(keys.embCache(embeddingCacheHash(id, 'torn')), Buffer.from([1, 2, 3]));
    expect(await cache.getMany(id, ['torn'])).toEqual([null]);
    expect(await cache.getMany(id, [])).toEqual([]);
  });
});
