import { describe, expect, it } from 'vitest';
import type { Vectors } from '../types.js';
import { toVectors } from '../vector.js';
import { runClusterCommand } from './cluster-command.js';

const lines = (rows: object[]): string => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** A clock that advances 250 ms per reading. */
function fakeClock(): () => number {
  let t = 1000;
  return () => {
    t += 250;
    return t;
  };
}

describe('runClusterCommand', () => {
  const withEmbeddings = lines([
    { id: 'a', title: 'Login fails', embedding: [1, 0, 0] },
    { id: 'b', embedding: [0, 5, 0] },
    { id: 'c', embedding: [10, 1, 0] },
    { id: 'd', embedding: [0, 0, 2] },
    { id: 'e', embedding: [0, 1, 0.1] },
  ]);

  it('uses the given embeddings with the 0.72 default threshold; singletons get labels of their own', async () => {
    // cos(a, c) = 0.995 and cos(b, e) = 0.995 cluster; d is alone.
    const result = await runClusterCommand({ input: withEmbeddings }, undefined, { now: fakeClock() });
    expect(result).toEqual({ labels: [0, 1, 0, 2, 1], clusters: 3, seconds: 0.25 });
    const strict = await runClusterCommand({ input: withEmbeddings, threshold: 0.999 }, undefined, {
      now: fakeClock(),
    });
    expect(strict.labels).toEqual([0, 1, 2, 3, 4]);
    expect(strict.clusters).toBe(5);
  });

  it('turns groups below the minimum size into singletons', async () => {
    const result = await runClusterCommand(
      { input: withEmbeddings, minClusterSize: 3, method: 'centroid' },
      undefined,
      {
        now: fakeClock(),
      },
    );
    expect(result.labels).toEqual([0, 1, 2, 3, 4]);
  });

  it('embeds the texts with the configured representation and its default threshold', async () => {
    const seen: string[] = [];
    const embed = async (texts: string[]): Promise<Vectors> => {
      seen.push(...texts);
      return toVectors(texts.map((t) => (t.includes('login') ? [1, 0] : [0, 1])));
    };
    const input = lines([
      { id: 1, title: 'login broken', body: 'since Monday' },
      { id: 2, title: 'slow' },
      { id: 3, body: 'login loop' },
    ]);
    const result = await runClusterCommand({ input }, embed, { now: fakeClock(), defaultThreshold: 0.9 });
    expect(seen).toEqual(['login broken\n\nsince Monday', 'slow', 'login loop']);
    expect(result.labels).toEqual([0, 1, 0]);
    await expect(runClusterCommand({ input }, embed, { now: fakeClock() })).rejects.toThrow(/no --threshold/);
    await expect(runClusterCommand({ input }, undefined, { now: fakeClock() })).rejects.toThrow(
      /no representation/,
    );
  });

  it('rejects bad input', async () => {
    const run = (input: string, extra: object = {}) =>
      runClusterCommand({ input, ...extra }, undefined, { now: fakeClock() });
    await expect(run('{"id": 1, "embedding": [1, 0]}\n{"id": 2}')).rejects.toThrow(/1 of 2 lines/);
    await expect(run('not json')).rejects.toThrow(/line 1: not JSON/);
    await expect(run('{"title": "x", "embedding": [1]}')).rejects.toThrow(/line 1: id/);
    await expect(run('{"id": 1, "embedding": ["x"]}')).rejects.toThrow(/embedding/);
    await expect(run('{"id": 1, "embedding": [1, 0]}\n{"id": 2, "embedding": [1]}')).rejects.toThrow(
      RangeError,
    );
    await expect(run(withEmbeddings, { method: 'kmeans' })).rejects.toThrow(/unknown method/);
    await expect(run(withEmbeddings, { threshold: 2 })).rejects.toThrow(/threshold/);
    expect(await run('\n')).toEqual({ labels: [], clusters: 0, seconds: 0.25 });
  });
});
