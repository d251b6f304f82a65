import { describe, expect, it } from 'vitest';
import { vectorizeTfidfBaseline } from './tfidf-baseline.js';

describe('vectorizeTfidfBaseline', () => {
  it('weighs sublinear tf by smoothed idf, normalizes, then keeps only shared terms', () => {
    const v = vectorizeTfidfBaseline(['apple banana', 'apple cherry', 'banana banana']);
    // Columns: apple, banana (cherry is in one document only: in the norm, not in the matrix).
    expect(v.n).toBe(3);
    expect(v.d).toBe(2);
    const idf2 = Math.log(4 / 3) + 1;
    const idf1 = Math.log(4 / 2) + 1;
    const expected = [Math.SQRT1_2, Math.SQRT1_2, idf2 / Math.hypot(idf2, idf1), 0, 0, 1];
    expected.forEach((x, i) => {
      expect(v.data[i]).toBeCloseTo(x, 6);
    });
  });
});
