import { describe, expect, it } from 'vitest';
import { atAngles, HALF_COSINE } from '../test-support/hand-vectors.js';
import { clusteredVectors } from '../test-support/random-vectors.js';
import type { Vectors } from '../types.js';
import { centroidLabels } from './centroid.js';

describe('centroid', () => {
  it('joins the most similar centroid direction in one pass', () => {
    // 90° and 0° open clusters; 25° is 25° from the 0° centroid (cos 0.906 < 0.95); 100° joins
    // 90°; 10° joins 0°.
    expect(Array.from(centroidLabels(atAngles([90, 0, 25, 100, 10]), 0.95))).toEqual([0, 1, 2, 0, 1]);
    // 20° joins 0° (cos 20° = 0.940), moving the centroid to 10°; 40° is then 30° away (0.866):
    // a new cluster, which 60° joins.
    expect(Array.from(centroidLabels(atAngles([0, 20, 40, 60]), 0.9))).toEqual([0, 0, 1, 1]);
  });

  it('compares with the normalized mean, not the mean similarity to members', () => {
    // 40° against {0°, 20°}: cosine to the centroid direction (10°) is 0.866, the average
    // similarity to the members only 0.853.
    expect(Array.from(centroidLabels(atAngles([0, 20, 40]), 0.86))).toEqual([0, 0, 0]);
    expect(Array.from(centroidLabels(atAngles([0, 20, 40]), 0.87))).toEqual([0, 0, 1]);
  });

  it('joins at exactly the threshold', () => {
    expect(Array.from(centroidLabels(HALF_COSINE, 0.5))).toEqual([0, 0]);
    expect(Array.from(centroidLabels(HALF_COSINE, 0.5000001))).toEqual([0, 1]);
  });

  it('breaks a tie towards the earlier cluster', () => {
    expect(Array.from(centroidLabels(atAngles([0, 90, 45]), 0.7))).toEqual([0, 1, 0]);
  });

  it('agrees with a float64 reference on random data', () => {
    const { vectors } = clusteredVectors({ n: 300, d: 24, groups: 10, seed: 11 });
    for (const sim of [0.4, 0.7])
      expect(Array.from(centroidLabels(vectors, sim))).toEqual(reference(vectors, sim));
  });
});

function reference(v: Vectors, simThreshold: number): number[] {
  const sums: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < v.n; i++) {
    const item = v.data.subarray(i * v.d, (i + 1) * v.d);
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    sums.forEach((sum, c) => {
      let dotSum = 0;
      let squares = 0;
      for (let k = 0; k < v.d; k++) {
        dotSum += (sum[k] as number) * (item[k] as number);
        squares += (sum[k] as number) ** 2;
      }
      const sim = dotSum / Math.sqrt(squares);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    });
    if (best >= 0 && bestSim >= simThreshold) {
      const sum = sums[best] as Float64Array;
      for (let k = 0; k < v.d; k++) sum[k] = (sum[k] as number) + (item[k] as number);
      labels.push(best);
    } else {
      labels.push(sums.length);
      sums.push(Float64Array.from(item));
    }
  }
  return labels;
}
