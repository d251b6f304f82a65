import { describe, expect, it } from 'vitest';
import { clusterVectors, STRATEGIES } from './cluster-vectors.js';
import { clusteredVectors } from './test-support/random-vectors.js';
import { CLUSTERING_METHODS, type ClusteringMethod } from './types.js';

describe('clusterVectors', () => {
  const { vectors } = clusteredVectors({ n: 240, d: 32, groups: 12, noise: 0.25, seed: 21 });

  for (const method of CLUSTERING_METHODS) {
    it(`${method}: every item in exactly one cluster, numbered by first appearance, deterministic`, () => {
      expect(STRATEGIES[method].name).toBe(method);
      for (const simThreshold of [-1, 0.2, 0.5, 0.8, 1.01]) {
        const labels = clusterVectors(vectors, { method, simThreshold });
        expect(labels).toHaveLength(vectors.n);
        let next = 0;
        for (const label of labels) {
          expect(label).toBeGreaterThanOrEqual(0);
          expect(label).toBeLessThanOrEqual(next);
          if (label === next) next++;
        }
        expect(Array.from(clusterVectors(vectors, { method, simThreshold }))).toEqual(Array.from(labels));
        // At the extremes everything joins, or nothing does.
        if (simThreshold === -1) expect(next).toBe(1);
        if (simThreshold > 1) expect(next).toBe(vectors.n);
      }
    });
  }

  it('defaults to agglomerative and rejects unknown methods and inconsistent shapes', () => {
    expect(Array.from(clusterVectors(vectors, { simThreshold: 0.5 }))).toEqual(
      Array.from(clusterVectors(vectors, { method: 'agglomerative', simThreshold: 0.5 })),
    );
    expect(() =>
      clusterVectors(vectors, { method: 'kmeans' as ClusteringMethod, simThreshold: 0.5 }),
    ).toThrow(/unknown clustering method/);
    expect(() => clusterVectors({ data: new Float32Array(5), n: 2, d: 3 }, { simThreshold: 0.5 })).toThrow(
      RangeError,
    );
  });
});
