import { describe, expect, it } from 'vitest';
import { InMemoryTermStats, smoothIdf } from './term-stats.js';

describe('InMemoryTermStats', () => {
  it('counts each feature once per document', () => {
    const stats = new InMemoryTermStats(8);
    stats.observe([1, 1, 3]);
    stats.observe([3, 7]);
    expect(stats.documents).toBe(2);
    expect([0, 1, 3, 7].map((i) => stats.df(i))).toEqual([0, 1, 2, 1]);
  });

  it('starts from a snapshot and ignores indices outside the space', () => {
    const stats = new InMemoryTermStats(4, {
      documents: 10,
      df: [
        [2, 5],
        [9, 1],
      ],
    });
    stats.observe([2, 5]);
    expect(stats.documents).toBe(11);
    expect(stats.df(2)).toBe(6);
    expect(stats.df(9)).toBe(0);
  });
});

describe('smoothIdf', () => {
  it('is ln((1 + N) / (1 + df)) + 1, at least 1, finite for unseen features', () => {
    expect(smoothIdf(3, 1)).toBeCloseTo(Math.log(2) + 1, 12);
    expect(smoothIdf(3, 3)).toBe(1);
    expect(smoothIdf(0, 0)).toBe(1);
    expect(smoothIdf(99, 0)).toBeCloseTo(Math.log(100) + 1, 12);
    expect(smoothIdf(3, 7)).toBe(1);
  });
});

describe('InMemoryTermStats.fromCounts', () => {
  it('answers what the stats it was counted from answer', () => {
    const stats = new InMemoryTermStats(8);
    stats.observe([1, 3]);
    stats.observe([3, 7]);
    const counts = Uint32Array.from({ length: 8 }, (_, i) => stats.df(i));
    const copy = InMemoryTermStats.fromCounts(stats.documents, counts);
    expect(copy.documents).toBe(2);
    expect(Array.from({ length: 8 }, (_, i) => copy.df(i))).toEqual([0, 1, 0, 2, 0, 0, 0, 1]);
  });
});
