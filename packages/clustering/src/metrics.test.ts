import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, contingency, pairwiseScores, vMeasure } from './metrics.js';

// Expected values from scikit-learn 1.2.1 (adjusted_rand_score, homogeneity_completeness_v_measure).
const SKLEARN: Array<{
  truth: Array<string | number>;
  predicted: Array<string | number>;
  ari: number;
  hcv: [number, number, number];
}> = [
  { truth: [0, 0, 1, 1], predicted: [1, 1, 0, 0], ari: 1, hcv: [1, 1, 1] },
  { truth: [0, 0, 1, 2], predicted: [0, 0, 1, 1], ari: 0.5714285714285714, hcv: [2 / 3, 1, 0.8] },
  {
    truth: [0, 0, 0, 1, 1, 1],
    predicted: [0, 0, 1, 1, 2, 2],
    ari: 0.24242424242424243,
    hcv: [0.6666666666666666, 0.420619835714305, 0.5158037429793888],
  },
  {
    truth: ['a', 'a', 'b', 'b', 'c', 'c', 'c'],
    predicted: [1, 1, 1, 2, 2, 3, 3],
    ari: 0.2125,
    hcv: [0.5636355530993445, 0.5636355530993445, 0.5636355530993445],
  },
  { truth: [0, 0, 0, 0], predicted: [0, 1, 2, 3], ari: 0, hcv: [1, 0, 0] },
  { truth: [0, 1, 2, 3], predicted: [0, 0, 0, 0], ari: 0, hcv: [0, 1, 0] },
  {
    truth: [0, 0, 1, 1, 2, 2, 2, 3, 3, 3],
    predicted: [5, 5, 5, 1, 1, 2, 2, 3, 3, 3],
    ari: 0.543918918918919,
    hcv: [0.7587515630507689, 0.7587515630507689, 0.7587515630507689],
  },
];

describe('metrics', () => {
  it('builds a sparse contingency table', () => {
    const table = contingency(['x', 'x', 'y', 'y'], [1, 2, 2, 2]);
    expect(table).toEqual({
      n: 4,
      trueSizes: [2, 2],
      predictedSizes: [1, 3],
      cells: [1, 1, 2],
      cellTrue: [0, 0, 1],
      cellPredicted: [0, 1, 1],
    });
    expect(() => contingency([1], [1, 2])).toThrow(RangeError);
  });

  it('scores pairs by hand', () => {
    // True pairs {0,1}; predicted pairs {0,1}, {2,3}: one of two predicted pairs is right.
    const s = pairwiseScores([0, 0, 1, 2], [0, 0, 1, 1]);
    expect(s).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
    // Truth {0,1,2}; predicted {0,1}, {2}: 1 of 3 true pairs found, no wrong pair.
    expect(pairwiseScores(['a', 'a', 'a'], [7, 7, 8])).toEqual({ precision: 1, recall: 1 / 3, f1: 0.5 });
  });

  it('defines the 0/0 cases', () => {
    expect(pairwiseScores([0, 1, 2], [0, 1, 2])).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(pairwiseScores([0, 0], [0, 1])).toEqual({ precision: 1, recall: 0, f1: 0 });
    expect(pairwiseScores([0, 1], [0, 0])).toEqual({ precision: 0, recall: 1, f1: 0 });
    expect(pairwiseScores([], [])).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(adjustedRandIndex([], [])).toBe(1);
    expect(adjustedRandIndex([0, 1, 2], [5, 6, 7])).toBe(1);
    expect(vMeasure([], [])).toEqual({ homogeneity: 1, completeness: 1, vMeasure: 1 });
  });

  for (const [k, c] of SKLEARN.entries()) {
    it(`matches scikit-learn, case ${k + 1}`, () => {
      expect(adjustedRandIndex(c.truth, c.predicted)).toBeCloseTo(c.ari, 12);
      const v = vMeasure(c.truth, c.predicted);
      expect(v.homogeneity).toBeCloseTo(c.hcv[0], 12);
      expect(v.completeness).toBeCloseTo(c.hcv[1], 12);
      expect(v.vMeasure).toBeCloseTo(c.hcv[2], 12);
    });
  }

  it('handles large inputs without pairwise loops and without overflow', () => {
    // 2·10^10 pairs: the pair products exceed 2^53, which the integer arithmetic absorbs.
    const n = 200_000;
    const truth = Int32Array.from({ length: n }, (_, i) => i % 7);
    const predicted = Int32Array.from({ length: n }, (_, i) => (i % 14) >> 1);
    expect(adjustedRandIndex(truth, predicted)).toBeCloseTo(0.4166491661951349, 12);
    const many = Int32Array.from({ length: n }, (_, i) => i % 1000);
    const merged = Int32Array.from({ length: n }, (_, i) => Math.floor((i % 3000) / 2));
    expect(adjustedRandIndex(many, merged)).toBeCloseTo(0.39591026796226403, 12);
    expect(adjustedRandIndex(truth, truth)).toBe(1);
  });
});
