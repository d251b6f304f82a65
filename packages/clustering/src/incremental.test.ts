import { describe, expect, it } from 'vitest';
import { assignIncremental, bestExisting, cohesion, similarityToCluster } from './incremental.js';
import { clusteredVectors, referenceDot } from './test-support/random-vectors.js';
import type { Vectors } from './types.js';

const H = Math.SQRT1_2;

function vectorsOf(rows: number[][]): Vectors {
  return { data: Float32Array.from(rows.flat()), n: rows.length, d: rows[0]?.length ?? 0 };
}

describe('assignIncremental', () => {
  it('joins existing clusters by average similarity and groups the rest', () => {
    const clusters = [
      { sum: Float32Array.of(2, 0), size: 2 },
      { sum: Float32Array.of(0, 3), size: 3 },
    ];
    // Scores: (1, 0) → 1 and 0; (0.6, 0.8) → 0.6 and 0.8; the last two → −1 and ≈ 0.
    const vectors = vectorsOf([
      [1, 0],
      [0.6, 0.8],
      [-1, 0],
      [-0.9999, 0.01414],
    ]);
    expect(assignIncremental({ clusters, vectors, simThreshold: 0.7 })).toEqual({
      targets: [{ existing: 0 }, { existing: 1 }, { group: 0 }, { group: 0 }],
      groups: [[2, 3]],
    });
    expect(assignIncremental({ clusters, vectors, simThreshold: 0.9, method: 'vector_like' })).toEqual({
      targets: [{ existing: 0 }, { group: 0 }, { group: 1 }, { group: 1 }],
      groups: [[1], [2, 3]],
    });
  });

  it('merges a new group into a cluster that the batch itself brought close', () => {
    // Cluster 0 is {(1, 0)}; three new items at 45° join it (0.707 ≥ 0.5). Two new items at 90°
    // score 0 against it before the batch but (0, 2)·(1 + 3·0.707, 3·0.707) / (2·4) = 0.530 after.
    const clusters = [
      { sum: Float32Array.of(1, 0), size: 1 },
      { sum: Float32Array.of(-1, 0), size: 1 },
    ];
    const vectors = vectorsOf([
      [H, H],
      [0, 1],
      [H, H],
      [0, 1],
      [H, H],
      [0, -1],
    ]);
    expect(assignIncremental({ clusters, vectors, simThreshold: 0.5 })).toEqual({
      targets: [
        { existing: 0 },
        { existing: 0 },
        { existing: 0 },
        { existing: 0 },
        { existing: 0 },
        { group: 0 },
      ],
      groups: [[5]],
    });
    // Without the joiners the group stays new.
    expect(
      assignIncremental({
        clusters,
        vectors: vectorsOf([
          [0, 1],
          [0, 1],
        ]),
        simThreshold: 0.5,
      }),
    ).toEqual({
      targets: [{ group: 0 }, { group: 0 }],
      groups: [[0, 1]],
    });
  });

  it('joins at exactly the threshold, breaks ties towards the lower cluster, ignores empty clusters', () => {
    const clusters = [
      { sum: Float32Array.of(9, 9), size: 0 },
      { sum: Float32Array.of(1, 0), size: 2 },
      { sum: Float32Array.of(1, 0), size: 2 },
    ];
    expect(assignIncremental({ clusters, vectors: vectorsOf([[1, 0]]), simThreshold: 0.5 }).targets).toEqual([
      { existing: 1 },
    ]);
    expect(
      assignIncremental({ clusters, vectors: vectorsOf([[1, 0]]), simThreshold: 0.5000001 }).targets,
    ).toEqual([{ group: 0 }]);
  });

  it('handles no existing clusters and no new vectors', () => {
    expect(assignIncremental({ clusters: [], vectors: vectorsOf([[1, 0]]), simThreshold: 0.5 })).toEqual({
      targets: [{ group: 0 }],
      groups: [[0]],
    });
    const none: Vectors = { data: new Float32Array(0), n: 0, d: 2 };
    expect(
      assignIncremental({
        clusters: [{ sum: Float32Array.of(1, 0), size: 1 }],
        vectors: none,
        simThreshold: 0.5,
      }),
    ).toEqual({ targets: [], groups: [] });
  });

  it('finds the best existing cluster across kernel tiles', () => {
    const { vectors: members } = clusteredVectors({ n: 1200, d: 512, groups: 40, seed: 8 });
    const clusters = Array.from({ length: 600 }, (_, c) => {
      const sum = new Float32Array(512);
      for (const i of [2 * c, 2 * c + 1])
        for (let k = 0; k < 512; k++) sum[k] = (sum[k] as number) + (members.data[i * 512 + k] as number);
      return { sum, size: 2 };
    });
    const { vectors } = clusteredVectors({ n: 5, d: 512, groups: 40, seed: 8 });
    const { index, score } = bestExisting(clusters, vectors);
    const sums: Vectors = {
      data: Float32Array.from(clusters.flatMap((c) => Array.from(c.sum))),
      n: 600,
      d: 512,
    };
    for (let i = 0; i < 5; i++) {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < 600; c++) {
        const s = referenceDot(vectors, i, sums, c) / 2;
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      expect(index[i]).toBe(best);
      expect(score[i]).toBeCloseTo(bestScore, 5);
    }
  });
});

describe('cluster statistics from the sum', () => {
  it('computes cohesion as the mean pairwise similarity', () => {
    // Members (1, 0), (0, 1), (1, 0): pairwise similarities 0, 1, 0.
    expect(cohesion(Float32Array.of(2, 1), 3)).toBeCloseTo(1 / 3, 12);
    expect(cohesion(Float32Array.of(1, 0), 1)).toBe(1);
    expect(cohesion(Float32Array.of(2, 0), 2)).toBe(1);
  });

  it('computes an item’s average similarity, leaving itself out when it is a member', () => {
    const sum = Float32Array.of(2, 1);
    expect(similarityToCluster(Float32Array.of(1, 0), sum, 3, true)).toBe(0.5);
    expect(similarityToCluster(Float32Array.of(0, 1), sum, 3)).toBeCloseTo(1 / 3, 12);
    expect(similarityToCluster(Float32Array.of(1, 0), Float32Array.of(1, 0), 1, true)).toBe(1);
  });
});
