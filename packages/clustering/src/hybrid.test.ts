import { describe, expect, it } from 'vitest';
import { combineHybrid, semanticInput } from './hybrid.js';
import { dot, normalized } from './vector.js';

describe('combineHybrid', () => {
  it('makes the dot product the weighted mean of the channel cosines', () => {
    const l1 = normalized(Float32Array.from([1, 0, 0]));
    const l2 = normalized(Float32Array.from([1, 1, 0]));
    const s1 = normalized(Float32Array.from([0, 1]));
    const s2 = normalized(Float32Array.from([1, 1]));
    const a = combineHybrid(l1, s1, 0.7);
    const b = combineHybrid(l2, s2, 0.7);
    expect(a.length).toBe(5);
    expect(dot(a, a)).toBeCloseTo(1, 6);
    expect(dot(a, b)).toBeCloseTo(0.7 * Math.SQRT1_2 + 0.3 * Math.SQRT1_2, 6);
    const c = combineHybrid(l1, s2, 0.25);
    expect(dot(a, c)).toBeCloseTo(Math.sqrt(0.7 * 0.25) + Math.sqrt(0.3 * 0.75) * Math.SQRT1_2, 6);
  });

  it('renormalizes when a channel is empty and rejects weights outside [0, 1]', () => {
    const v = combineHybrid(new Float32Array(2), Float32Array.from([0.6, 0.8]), 0.7);
    expect(Array.from(v).map((x) => Number(x.toFixed(6)))).toEqual([0, 0, 0.6, 0.8]);
    expect(() => combineHybrid(new Float32Array(1), new Float32Array(1), 1.5)).toThrow(RangeError);
  });
});

describe('semanticInput', () => {
  it('is the title plus a bounded start of the body', () => {
    expect(semanticInput({ title: ' Upload  fails ', body: 'When I\nupload a file' }, 0)).toBe(
      'Upload fails',
    );
    expect(semanticInput({ title: 'Upload fails', body: 'When I\nupload a file' }, 6)).toBe(
      'Upload fails. When I',
    );
    expect(semanticInput({ title: '', body: 'Only a body' }, 0)).toBe('Only a body');
  });
});
