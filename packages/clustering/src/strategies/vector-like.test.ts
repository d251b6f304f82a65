import { describe, expect, it } from 'vitest';
import { atAngles, HALF_COSINE } from '../test-support/hand-vectors.js';
import { clusteredVectors, referenceDot } from '../test-support/random-vectors.js';
import type { Vectors } from '../types.js';
import { mostSimilarEarlier, vectorLikeLabels } from './vector-like.js';

describe('vector_like', () => {
  it('joins the cluster of the most similar earlier item', () => {
    expect(Array.from(vectorLikeLabels(atAngles([90, 0, 25, 100, 10]), 0.95))).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(vectorLikeLabels(atAngles([90, 0, 25, 100, 10]), 0.9))).toEqual([0, 1, 1, 0, 1]);
    // Each step is 20° (cos 0.940), so the chain runs through although 0° and 60° are far apart.
    expect(Array.from(vectorLikeLabels(atAngles([0, 20, 40, 60]), 0.9))).toEqual([0, 0, 0, 0]);
  });

  it('joins at exactly the threshold', () => {
    expect(Array.from(vectorLikeLabels(HALF_COSINE, 0.5))).toEqual([0, 0]);
    expect(Array.from(vectorLikeLabels(HALF_COSINE, 0.5000001))).toEqual([0, 1]);
  });

  it('breaks a tie towards the earliest item', () => {
    expect(Array.from(vectorLikeLabels(atAngles([0, 90, 45]), 0.7))).toEqual([0, 1, 0]);
    const { index } = mostSimilarEarlier(atAngles([0, 90, 45]));
    expect(Array.from(index)).toEqual([-1, 0, 0]);
  });

  it('finds the most similar earlier item across tiles', () => {
    // d = 512 makes 256-column tiles, so rows span three of them.
    const { vectors } = clusteredVectors({ n: 700, d: 512, groups: 30, seed: 5 });
    const { index, similarity } = mostSimilarEarlier(vectors);
    for (const i of [1, 2, 257, 511, 512, 513, 699]) {
      let best = -1;
      let bestSim = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < i; j++) {
        const s = referenceDot(vectors, i, vectors, j);
        if (s > bestSim) {
          bestSim = s;
          best = j;
        }
      }
      expect(index[i]).toBe(best);
      expect(similarity[i]).toBeCloseTo(bestSim, 5);
    }
  });

  it('agrees with a float64 reference on random data', () => {
    const { vectors } = clusteredVectors({ n: 300, d: 24, groups: 10, seed: 12 });
    for (const sim of [0.4, 0.7])
      expect(Array.from(vectorLikeLabels(vectors, sim))).toEqual(reference(vectors, sim));
  });
});

function reference(v: Vectors, simThreshold: number): number[] {
  const labels: number[] = [];
  let next = 0;
  for (let i = 0; i < v.n; i++) {
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < i; j++) {
      const s = referenceDot(v, i, v, j);
      if (s > bestSim) {
        bestSim = s;
        best = j;
      }
    }
    labels.push(best >= 0 && bestSim >= simThreshold ? (labels[best] as number) : next++);
  }
  return labels;
}
