import type { Embedder, EmbeddingCache } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import {
  EmbedderRepresentation,
  GEMINI_DEFAULT_THRESHOLD,
  OPENAI_DEFAULT_THRESHOLD,
} from './embedder-representation.js';
import { HYBRID_LOCAL_DEFAULT_THRESHOLD, HybridLocalRepresentation } from './hybrid-local.js';
import { InMemoryProjectTermStats } from './in-memory-term-stats.js';

/** A deterministic 4-d "sentence encoder": which of four topics a text mentions. */
class TopicEmbedder implements Embedder {
  readonly id = 'fake:topics';
  readonly dimensions = 4;
  readonly seen: string[] = [];
  closed = false;

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.seen.push(...texts);
    return texts.map((t) => {
      const v = Float32Array.from(['upload', 'login', 'crash', 'slow'], (w) =>
        t.toLowerCase().includes(w) ? 1 : 0,
      );
      const n = Math.hypot(...v) || 1;
      if (v.every((x) => x === 0)) v[3] = 1;
      return v.map((x) => x / n);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class MapCache implements EmbeddingCache {
  readonly map = new Map<string, Float32Array>();
  async getMany(id: string, texts: string[]) {
    return texts.map((t) => this.map.get(`${id}|${t}`) ?? null);
  }
  async setMany(id: string, entries: Array<[string, Float32Array]>) {
    for (const [t, v] of entries) this.map.set(`${id}|${t}`, v);
  }
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('EmbedderRepresentation', () => {
  it('is the embedder’s space with a given threshold, through the cache', async () => {
    const embedder = new TopicEmbedder();
    const cache = new MapCache();
    const rep = new EmbedderRepresentation(embedder, { cache, defaultThreshold: GEMINI_DEFAULT_THRESHOLD });
    expect([rep.id, rep.dimensions, rep.defaultThreshold]).toEqual(['fake:topics', 4, 0.72]);
    const [a] = await rep.vectorize('p', ['Upload crash']);
    const h = Number(Math.SQRT1_2.toFixed(4));
    expect(Array.from(a ?? []).map((x) => Number(x.toFixed(4)))).toEqual([h, 0, h, 0]);
    await rep.vectorize('p', ['Upload crash']);
    expect(embedder.seen).toEqual(['Upload crash']);
    await rep.close();
    expect(embedder.closed).toBe(true);
    expect(OPENAI_DEFAULT_THRESHOLD).toBe(0.72);
  });
});

describe('HybridLocalRepresentation', () => {
  const texts = [
    'Upload fails with NullPointerException\n\nThe upload of a big file crashes.',
    'NullPointerException on upload\n\nUploading crashes the app.',
    'Login is slow\n\nThe login page takes ten seconds.',
  ];

  it('mixes the lexical and semantic cosines by weight and learns the project’s IDF once per text', async () => {
    const termStats = new InMemoryProjectTermStats();
    const embedder = new TopicEmbedder();
    const rep = new HybridLocalRepresentation({
      termStats,
      embedder,
      cache: new MapCache(),
      lexicalWeight: 0.7,
    });
    expect(rep.id).toBe('local:hybrid-v1');
    expect(rep.dimensions).toBe(4096 + 4);
    expect(rep.defaultThreshold).toBe(HYBRID_LOCAL_DEFAULT_THRESHOLD);

    const [a, b, c] = (await rep.vectorize('p1', texts)) as Float32Array[];
    for (const v of [a, b, c]) expect(dot(v as Float32Array, v as Float32Array)).toBeCloseTo(1, 5);
    // The semantic channel saw the titles only.
    expect(embedder.seen).toEqual([
      'Upload fails with NullPointerException',
      'NullPointerException on upload',
      'Login is slow',
    ]);
    // cos = 0.7·cos_lex + 0.3·cos_sem, channel by channel.
    const lex = (v: Float32Array) => v.subarray(0, 4096);
    const sem = (v: Float32Array) => v.subarray(4096);
    const ab = dot(a as Float32Array, b as Float32Array);
    const lexAb = dot(lex(a as Float32Array), lex(b as Float32Array)) / 0.7;
    const semAb = dot(sem(a as Float32Array), sem(b as Float32Array)) / 0.3;
    expect(semAb).toBeCloseTo(1, 5);
    expect(ab).toBeCloseTo(0.7 * lexAb + 0.3 * semAb, 5);
    expect(ab).toBeGreaterThan(dot(a as Float32Array, c as Float32Array) + 0.3);

    expect((await termStats.load('p1', 'lex-v1:h4096')).documents).toBe(3);
    await rep.vectorize('p1', [texts[0] as string]);
    expect((await termStats.load('p1', 'lex-v1:h4096')).documents).toBe(3);
    expect((await termStats.load('p2', 'lex-v1:h4096')).documents).toBe(0);
    expect(await rep.vectorize('p1', [])).toEqual([]);
  });

  it('weighs with the IDF of the moment: a term that became common counts less', async () => {
    const rep = new HybridLocalRepresentation({
      termStats: new InMemoryProjectTermStats(),
      embedder: new TopicEmbedder(),
      lexicalWeight: 1,
    });
    const pair = ['Upload crash\n\nupload', 'Upload timeout\n\nupload'];
    const [a, b] = (await rep.vectorize('fresh', pair)) as Float32Array[];
    const others = Array.from(
      { length: 20 },
      (_, i) => `Upload item ${String.fromCharCode(97 + i)}x\n\nupload`,
    );
    await rep.vectorize('busy', others);
    const [c, d] = (await rep.vectorize('busy', pair)) as Float32Array[];
    expect(dot(c as Float32Array, d as Float32Array)).toBeLessThan(
      dot(a as Float32Array, b as Float32Array) - 0.1,
    );
  });
});
