import {
  HybridLocalRepresentation,
  type HybridMath,
  InMemoryProjectTermStats,
  inProcessHybridMath,
} from '@fixloop/adapters';
import { DEFAULT_LEXICAL_OPTIONS, lexicalFeaturesOfTexts } from '@fixloop/clustering';
import type { Embedder } from '@fixloop/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { ComputeThread } from './compute-thread.js';
import { inProcessDigest, threadDigest } from './offline-summarizer.js';
import { ThreadHybridMath } from './thread-hybrid-math.js';

/** A deterministic 8-d "sentence encoder": the text's character codes folded into a unit vector. */
const folding: Embedder = {
  id: 'fake:fold',
  dimensions: 8,
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(8);
      for (let i = 0; i < t.length; i++) v[i % 8] = (v[i % 8] as number) + t.charCodeAt(i);
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  },
};

const texts = Array.from(
  { length: 300 },
  (_, i) =>
    `${['Upload', 'Login', 'Export'][i % 3]} fails on ${['Safari', 'Android'][i % 2]} (${i})\nSteps: open it, try again; it crashes with TypeError: x is undefined.`,
);

const thread = new ComputeThread();
afterAll(() => thread.close());

describe('the clustering compute thread', () => {
  it('gives the hybrid representation the vectors it computes on the calling thread', async () => {
    const here = new HybridLocalRepresentation({
      termStats: new InMemoryProjectTermStats(),
      embedder: folding,
    });
    const there = new HybridLocalRepresentation({
      termStats: new InMemoryProjectTermStats(),
      embedder: folding,
      math: new ThreadHybridMath(thread),
    });
    for (const batch of [texts.slice(0, 200), texts.slice(150)]) {
      const a = await here.vectorize('p', batch);
      const b = await there.vectorize('p', batch);
      expect(b.map((v) => [...v])).toEqual(a.map((v) => [...v]));
    }
  });

  it('digests a cluster as the calling thread does', async () => {
    const items = texts.slice(0, 60).map((t, i) => ({
      title: t.split('\n')[0] as string,
      body: t.split('\n')[1] as string,
      source: i % 2 ? 'github' : 'manual',
      createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 9))).toISOString(),
      author: `u${i % 7}`,
    }));
    const df = Uint32Array.from({ length: DEFAULT_LEXICAL_OPTIONS.dimension }, (_, i) => i % 5);
    const request = { items, documents: 500, df, lexical: DEFAULT_LEXICAL_OPTIONS };
    expect(await threadDigest(thread)(request)).toEqual(await inProcessDigest(request));
  });

  it('answers a failed operation with its error, and goes on serving', async () => {
    const math: HybridMath = new ThreadHybridMath(thread);
    const features = lexicalFeaturesOfTexts(texts.slice(0, 3), DEFAULT_LEXICAL_OPTIONS);
    await expect(
      math.hybridVectors({
        features,
        documents: 0,
        df: new Uint32Array(DEFAULT_LEXICAL_OPTIONS.dimension),
        semantic: { data: new Float32Array(8), n: 1, d: 8 },
        lexical: DEFAULT_LEXICAL_OPTIONS,
        lexicalWeight: 0.7,
      }),
    ).rejects.toThrow(/compute thread: 3 lexical rows but 1 semantic/);
    const again = await inProcessHybridMath.lexicalFeatures(texts.slice(0, 2), DEFAULT_LEXICAL_OPTIONS);
    expect(await math.lexicalFeatures(texts.slice(0, 2), DEFAULT_LEXICAL_OPTIONS)).toEqual(again);
  });

  it('fails the calls of a thread that stopped, and starts a fresh one for the next call', async () => {
    const own = new ComputeThread();
    const pending = own.call('lexical', { texts, lexical: DEFAULT_LEXICAL_OPTIONS });
    await own.close();
    await expect(pending).rejects.toThrow(/exited/);
    const features = await own.call('lexical', {
      texts: texts.slice(0, 1),
      lexical: DEFAULT_LEXICAL_OPTIONS,
    });
    expect(features.n).toBe(1);
    await own.close();
  });
});
