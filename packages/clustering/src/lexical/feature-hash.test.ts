import { describe, expect, it } from 'vitest';
import { assertHashDimension, hashFeature, hashTerm } from './feature-hash.js';

describe('feature hashing', () => {
  it('is deterministic and 32-bit', () => {
    expect(hashTerm('nullpointerexception')).toBe(hashTerm('nullpointerexception'));
    expect(hashTerm('a')).not.toBe(hashTerm('b'));
    for (const t of ['', 'a', 'ünïcode', 'x'.repeat(200)]) {
      const h = hashTerm(t);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });

  it('spreads terms over buckets and signs', () => {
    const dimension = 64;
    const buckets = new Set<number>();
    let positive = 0;
    for (let i = 0; i < 2000; i++) {
      const { index, sign } = hashFeature(`term${i}`, dimension);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(dimension);
      buckets.add(index);
      if (sign === 1) positive++;
    }
    expect(buckets.size).toBe(dimension);
    expect(positive).toBeGreaterThan(900);
    expect(positive).toBeLessThan(1100);
  });

  it('wants a power of two', () => {
    expect(() => assertHashDimension(4096)).not.toThrow();
    expect(() => assertHashDimension(1000)).toThrow(RangeError);
    expect(() => assertHashDimension(1)).toThrow(RangeError);
  });
});
