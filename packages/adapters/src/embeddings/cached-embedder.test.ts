import type { Embedder, EmbeddingCache } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { CachedEmbedder } from './cached-embedder.js';

/** Deterministic 2-d unit vectors; records every batch it was asked for. */
class FakeEmbedder implements Embedder {
  readonly id = 'fake:model:2';
  readonly dimensions = 2;
  readonly calls: string[][] = [];
  closed = false;
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls.push(texts);
    return texts.map((t) => new Float32Array([Math.cos(t.length), Math.sin(t.length)]));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class MapCache implements EmbeddingCache {
  readonly entries = new Map<string, Float32Array>();
  async getMany(embedderId: string, texts: string[]) {
    return texts.map((t) => this.entries.get(`${embedderId}\n${t}`) ?? null);
  }
  async setMany(embedderId: string, entries: Array<[string, Float32Array]>) {
    for (const [t, v] of entries) this.entries.set(`${embedderId}\n${t}`, v);
  }
}

describe('CachedEmbedder', () => {
  it('sends only misses, each distinct text once, and stores them', async () => {
    const inner = new FakeEmbedder();
    const cache = new MapCache();
    const embedder = new CachedEmbedder(inner, cache);
    expect(embedder.id).toBe('fake:model:2');
    expect(embedder.dimensions).toBe(2);

    const first = await embedder.embed(['a', 'bb', 'a']);
    expect(inner.calls).toEqual([['a', 'bb']]);
    expect(first.map((v) => Array.from(v))).toEqual(
      [1, 2, 1].map((n) => [Math.fround(Math.cos(n)), Math.fround(Math.sin(n))]),
    );
    expect([embedder.hits, embedder.misses]).toEqual([0, 3]);

    const second = await embedder.embed(['bb', 'ccc', 'a']);
    expect(inner.calls).toEqual([['a', 'bb'], ['ccc']]);
    expect(Array.from(second[0] as Float32Array)).toEqual(Array.from(first[1] as Float32Array));
    expect([embedder.hits, embedder.misses]).toEqual([2, 4]);

    await embedder.embed(['a', 'bb', 'ccc']);
    expect(inner.calls).toHaveLength(2);
    expect([embedder.hits, embedder.misses]).toEqual([5, 4]);
    expect(cache.entries.size).toBe(3);
  });

  it('treats a cached vector of the wrong size as a miss', async () => {
    const inner = new FakeEmbedder();
    const cache = new MapCache();
    await cache.setMany(inner.id, [['a', new Float32Array([1, 0, 0])]]);
    const vectors = await new CachedEmbedder(inner, cache).embed(['a']);
    expect(inner.calls).toEqual([['a']]);
    expect(vectors[0]?.length).toBe(2);
  });

  it('tells its observer the hits and misses of every lookup, a wrong-size vector as a miss', async () => {
    const inner = new FakeEmbedder();
    const cache = new MapCache();
    await cache.setMany(inner.id, [['stale', new Float32Array([1, 0, 0])]]);
    const heard: Array<[number, number]> = [];
    const embedder = new CachedEmbedder(inner, cache, (hits, misses) => heard.push([hits, misses]));
    await embedder.embed(['a', 'stale', 'a']);
    await embedder.embed(['a', 'b']);
    await embedder.embed([]);
    expect(heard).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });

  it('asks nothing for an empty list and closes the inner embedder', async () => {
    const inner = new FakeEmbedder();
    const embedder = new CachedEmbedder(inner, new MapCache());
    expect(await embedder.embed([])).toEqual([]);
    await embedder.close();
    expect(inner.closed).toBe(true);
    expect(inner.calls).toEqual([]);
  });
});
