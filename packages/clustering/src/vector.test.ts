import { describe, expect, it } from 'vitest';
import {
  addInto,
  dot,
  mean,
  norm,
  normalized,
  normalizeInPlace,
  rowOf,
  scaleInPlace,
  subInto,
  toVectors,
} from './vector.js';

describe('vector math', () => {
  it('computes dot products and norms', () => {
    expect(dot(Float32Array.of(1, 2, 3), Float32Array.of(4, -5, 6))).toBe(12);
    expect(norm(Float32Array.of(3, 4))).toBe(5);
    expect(() => dot(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(RangeError);
  });

  it('normalizes in place or into a copy, leaving zero vectors at zero', () => {
    const v = Float32Array.of(3, 4);
    expect(Array.from(normalized(v))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(v)).toEqual([3, 4]);
    expect(normalizeInPlace(v)).toBe(v);
    expect(Array.from(v)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(normalized(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('adds, subtracts and scales in place', () => {
    const t = Float32Array.of(1, 2);
    expect(addInto(t, Float32Array.of(10, 20))).toBe(t);
    expect(Array.from(t)).toEqual([11, 22]);
    expect(Array.from(addInto(t, Float32Array.of(1, 1), 2))).toEqual([13, 24]);
    expect(Array.from(subInto(t, Float32Array.of(3, 4)))).toEqual([10, 20]);
    expect(Array.from(scaleInPlace(t, 0.5))).toEqual([5, 10]);
  });

  it('packs rows into normalized vectors and averages them', () => {
    const v = toVectors([
      [3, 4],
      [0, 2],
      [0, 0],
    ]);
    expect(v.n).toBe(3);
    expect(v.d).toBe(2);
    expect(Array.from(v.data)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 1, 0, 0]);
    expect(Array.from(rowOf(v, 1))).toEqual([0, 1]);
    expect(Array.from(mean(v))).toEqual([Math.fround(0.2), Math.fround(1.8 / 3)]);
    expect(toVectors([Float32Array.of(2, 0)]).data[0]).toBe(1);
    expect(toVectors([])).toEqual({ data: new Float32Array(0), n: 0, d: 0 });
    expect(() => toVectors([[1, 2], [1]])).toThrow(RangeError);
  });
});
