import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../metrics.js';
import { atAngles, HALF_COSINE } from '../test-support/hand-vectors.js';
import { clusteredVectors, referenceDot } from '../test-support/random-vectors.js';
import type { Vectors } from '../types.js';
import { agglomerativeLabels, condensedSimilarities } from './agglomerative.js';

// Angles 90°, 0°, 25°, 100°, 10°. Average-linkage distances (1 − cos): {0°,10°} and {90°,100°} at
// 0.0152; 25° joins {0°,10°} at (0.0937 + 0.0341) / 2 = 0.0639; the two groups are then at the
// mean of their six distances, 0.8864 (unweighted WPGMA would say 0.8297, single linkage 0.5774).
const FIVE = atAngles([90, 0, 25, 100, 10]);

describe('agglomerative', () => {
  it('cuts the average-linkage tree where hand computation says', () => {
    expect(Array.from(agglomerativeLabels(FIVE, 0.95))).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(agglomerativeLabels(FIVE, 0.9))).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(agglomerativeLabels(FIVE, 0.15))).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(agglomerativeLabels(FIVE, 0.1))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(agglomerativeLabels(FIVE, 1))).toEqual([0, 1, 2, 3, 4]);
  });

  it('merges only strictly below the distance threshold', () => {
    expect(Array.from(agglomerativeLabels(HALF_COSINE, 0.5))).toEqual([0, 1]);
    expect(Array.from(agglomerativeLabels(HALF_COSINE, 0.4999))).toEqual([0, 0]);
  });

  it('handles no item, one item and identical items', () => {
    expect(agglomerativeLabels({ data: new Float32Array(0), n: 0, d: 3 }, 0.5)).toHaveLength(0);
    expect(Array.from(agglomerativeLabels({ data: Float32Array.of(1, 0), n: 1, d: 2 }, 0.5))).toEqual([0]);
    const same: Vectors = { data: Float32Array.of(1, 0, 1, 0, 0, 1, 1, 0), n: 4, d: 2 };
    expect(Array.from(agglomerativeLabels(same, 0.99))).toEqual([0, 0, 1, 0]);
  });

  it('stores the dot product of every pair, condensed', () => {
    // d = 512 and n = 600 span several kernel tiles in both directions.
    for (const [n, d] of [
      [9, 5],
      [600, 512],
    ] as const) {
      const v = clusteredVectors({ n, d, groups: 2, seed: 1 }).vectors;
      const { similarities, rowBase } = condensedSimilarities(v);
      expect(similarities).toHaveLength((n * (n - 1)) / 2);
      for (let i = 0; i < n; i += n > 100 ? 37 : 1) {
        for (let j = i + 1; j < n; j++) {
          expect(similarities[(rowBase[i] as number) + j]).toBeCloseTo(referenceDot(v, i, v, j), 5);
        }
      }
    }
  });

  it('agrees with a naive float64 average-linkage reference', () => {
    const { vectors } = clusteredVectors({ n: 70, d: 12, groups: 6, noise: 0.3, seed: 7 });
    for (const sim of [0.3, 0.6, 0.8]) {
      expect(adjustedRandIndex(naiveAverageLinkage(vectors, sim), agglomerativeLabels(vectors, sim))).toBe(1);
    }
  });

  it('does not depend on the input order', () => {
    const { vectors } = clusteredVectors({ n: 120, d: 16, groups: 8, seed: 3 });
    const order = Array.from({ length: 120 }, (_, i) => (i * 47) % 120);
    const permuted: Vectors = { data: new Float32Array(120 * 16), n: 120, d: 16 };
    order.forEach((from, to) => {
      permuted.data.set(vectors.data.subarray(from * 16, (from + 1) * 16), to * 16);
    });
    const direct = agglomerativeLabels(vectors, 0.55);
    const viaPermutation = agglomerativeLabels(permuted, 0.55);
    expect(
      adjustedRandIndex(
        order.map((from) => direct[from] as number),
        viaPermutation,
      ),
    ).toBe(1);
  });

  describe('reproduces scikit-learn on the committed fixture', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/sklearn-agglomerative.json', import.meta.url), 'utf8'),
    ) as {
      n: number;
      d: number;
      vectorsFloat32LeBase64: string;
      cases: Array<{ simThreshold: number; labels: string }>;
    };
    const bytes = Buffer.from(fixture.vectorsFloat32LeBase64, 'base64');
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const vectors: Vectors = { data, n: fixture.n, d: fixture.d };

    for (const { simThreshold, labels } of fixture.cases) {
      it(`at similarity ${simThreshold}`, () => {
        const expected = labels.split(',').map(Number);
        const ours = agglomerativeLabels(vectors, simThreshold);
        expect(new Set(ours).size).toBe(new Set(expected).size);
        expect(adjustedRandIndex(expected, ours)).toBe(1);
      });
    }
  });
});

/** O(n³) textbook average linkage in float64: merge the closest pair while it is below the cut. */
function naiveAverageLinkage(v: Vectors, simThreshold: number): number[] {
  const clusters = Array.from({ length: v.n }, (_, i) => [i]);
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let pair: [number, number] = [-1, -1];
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        let total = 0;
        for (const i of clusters[a] as number[])
          for (const j of clusters[b] as number[]) total += 1 - referenceDot(v, i, v, j);
        const distance = total / ((clusters[a] as number[]).length * (clusters[b] as number[]).length);
        if (distance < best) {
          best = distance;
          pair = [a, b];
        }
      }
    }
    if (!(best < 1 - simThreshold)) break;
    const [a, b] = pair;
    (clusters[a] as number[]).push(...(clusters[b] as number[]));
    clusters.splice(b, 1);
  }
  const labels = new Array<number>(v.n);
  clusters.forEach((members, c) => {
    for (const i of members) labels[i] = c;
  });
  return labels;
}
