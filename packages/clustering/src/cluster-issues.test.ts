import { describe, expect, it } from 'vitest';
import { clusterIssues, splitByMinSize } from './cluster-issues.js';
import type { Vectors } from './types.js';
import { toVectors } from './vector.js';

/** A stand-in embedder: one axis per topic word, so reports on one topic are identical. */
async function embedByTopic(texts: string[]): Promise<Vectors> {
  const topics = ['login', 'crash', 'export'];
  return toVectors(texts.map((t) => [...topics.map((w) => (t.toLowerCase().includes(w) ? 1 : 0)), 0.01]));
}

describe('clusterIssues', () => {
  const items = [
    { title: 'Login fails', body: 'after the update' },
    { title: 'Crash on start' },
    { title: 'Cannot login', body: 'with SSO' },
    { body: 'Export to CSV is empty' },
    { title: 'App crash', body: 'when saving' },
    { title: 'Login loop' },
    { title: 'Dark mode' },
  ];

  it('clusters the prepared texts and keeps small groups as singletons', async () => {
    const result = await clusterIssues(items, { simThreshold: 0.9, embed: embedByTopic });
    expect(result.texts[0]).toBe('Login fails\n\nafter the update');
    expect(result.texts[3]).toBe('Export to CSV is empty');
    expect(Array.from(result.labels)).toEqual([0, 1, 0, -1, 1, 0, -1]);
    expect(result.clusters).toEqual([
      [0, 2, 5],
      [1, 4],
    ]);
    expect(result.singletons).toEqual([3, 6]);

    const strict = await clusterIssues(items, { simThreshold: 0.9, minClusterSize: 3, embed: embedByTopic });
    expect(Array.from(strict.labels)).toEqual([0, -1, 0, -1, -1, 0, -1]);
    expect(strict.singletons).toEqual([1, 3, 4, 6]);
  });

  it('passes the method and the truncation on, and checks the embedder', async () => {
    const seen: string[][] = [];
    const result = await clusterIssues([{ title: 'T', body: 'login body' }], {
      method: 'centroid',
      simThreshold: 0.5,
      truncateBodyChars: 5,
      embed: async (texts) => {
        seen.push(texts);
        return embedByTopic(texts);
      },
    });
    expect(seen).toEqual([['T\n\nlogin']]);
    expect(result.singletons).toEqual([0]);
    await expect(
      clusterIssues(items, { simThreshold: 0.5, embed: async () => toVectors([[1, 0]]) }),
    ).rejects.toThrow(/1 vectors for 7 texts/);
  });

  it('splits labels by group size', () => {
    expect(splitByMinSize(Int32Array.of(0, 1, 0, 2, 2, 2), 3)).toEqual({
      labels: Int32Array.of(-1, -1, -1, 0, 0, 0),
      clusters: [[3, 4, 5]],
      singletons: [0, 1, 2],
    });
    expect(splitByMinSize(Int32Array.of(3, 3, 1), 1).labels).toEqual(Int32Array.of(0, 0, 1));
  });
});
