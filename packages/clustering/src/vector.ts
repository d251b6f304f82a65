import type { Vectors } from './types.js';

/** Dot product, accumulated in float64; for L2-normalized vectors it is the cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`dot: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Euclidean (L2) norm. */
export function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

/** Scales `v` to unit L2 norm in place and returns it; a zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  const length = norm(v);
  if (length > 0) scaleInPlace(v, 1 / length);
  return v;
}

/** A unit-norm copy of `v`; a zero vector gives zeros. */
export function normalized(v: Float32Array): Float32Array {
  return normalizeInPlace(Float32Array.from(v));
}

/** `target += factor · source`, in place; returns `target`. */
export function addInto(target: Float32Array, source: Float32Array, factor = 1): Float32Array {
  if (target.length !== source.length) throw new RangeError('addInto: lengths differ');
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + factor * (source[i] as number);
  return target;
}

/** `target −= source`, in place; returns `target`. */
export function subInto(target: Float32Array, source: Float32Array): Float32Array {
  return addInto(target, source, -1);
}

/** `v *= factor`, in place; returns `v`. */
export function scaleInPlace(v: Float32Array, factor: number): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * factor;
  return v;
}

/** Row `i` of `v` as a view sharing its buffer. */
export function rowOf(v: Vectors, i: number): Float32Array {
  if (i < 0 || i >= v.n) throw new RangeError(`row ${i} out of 0..${v.n - 1}`);
  return v.data.subarray(i * v.d, (i + 1) * v.d);
}

/** Component-wise mean of the rows (not normalized), summed in float64; zeros when there are none. */
export function mean(v: Vectors): Float32Array {
  const acc = new Float64Array(v.d);
  for (let i = 0; i < v.n; i++) {
    const base = i * v.d;
    for (let k = 0; k < v.d; k++) acc[k] = (acc[k] as number) + (v.data[base + k] as number);
  }
  const out = new Float32Array(v.d);
  if (v.n > 0) for (let k = 0; k < v.d; k++) out[k] = (acc[k] as number) / v.n;
  return out;
}

/** Packs rows of equal length into a row-major `Vectors`, L2-normalizing each row (zero rows stay zero). */
export function toVectors(rows: readonly Float32Array[] | readonly number[][]): Vectors {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as ArrayLike<number>;
    if (row.length !== d) throw new RangeError(`toVectors: row ${i} has ${row.length} values, expected ${d}`);
    const target = data.subarray(i * d, (i + 1) * d);
    target.set(row);
    normalizeInPlace(target);
  }
  return { data, n, d };
}
