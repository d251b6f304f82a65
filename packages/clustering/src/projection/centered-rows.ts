/**
 * The rows PCA works on, stored for the two hot loops of block power iteration: `X·Q` and `Xᵀ·P`,
 * with the centering (subtracting the mean row) applied implicitly so sparse rows stay sparse.
 */

/**
 * The rows, each already scaled, stored densely (row-major) when most entries are non-zero, else
 * in compressed sparse row form; plus their mean.
 */
export interface Rows {
  n: number;
  d: number;
  dense?: Float32Array;
  start?: Int32Array;
  index?: Int32Array;
  value?: Float32Array;
  mean: Float64Array;
}

/** Gathers the rows (each scaled to unit length when `normalize`) and their mean, choosing the storage by density. */
export function rowsOf(input: readonly Float32Array[], normalize: boolean): Rows {
  const n = input.length;
  const d = input[0]?.length ?? 0;
  const mean = new Float64Array(d);
  // One pass over the input: each row's non-zero entries are gathered, scaled and appended.
  const start = new Int32Array(n + 1);
  let index = new Int32Array(Math.max(16, Math.min(n * d, 1 << 20)));
  let value = new Float32Array(index.length);
  const rowIndex = new Int32Array(d);
  const rowValue = new Float32Array(d);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = input[i] as Float32Array;
    if (r.length !== d) throw new RangeError(`row ${i} has ${r.length} dimensions, expected ${d}`);
    let count = 0;
    let sq = 0;
    for (let k = 0; k < d; k++) {
      const v = r[k] as number;
      if (v !== 0) {
        rowIndex[count] = k;
        rowValue[count] = v;
        count++;
        sq += v * v;
      }
    }
    if (at + count > index.length) {
      const grown = Math.max(at + count, index.length * 2);
      const moreIndex = new Int32Array(grown);
      moreIndex.set(index.subarray(0, at));
      const moreValue = new Float32Array(grown);
      moreValue.set(value.subarray(0, at));
      index = moreIndex;
      value = moreValue;
    }
    const scale = !normalize ? 1 : sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let c = 0; c < count; c++) {
      const k = rowIndex[c] as number;
      const v = Math.fround((rowValue[c] as number) * scale);
      index[at] = k;
      value[at] = v;
      // The mean of the stored (float32) values, so the implicit centering matches them exactly.
      mean[k] = (mean[k] as number) + v;
      at++;
    }
    start[i + 1] = at;
  }
  if (n > 0) for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) / n;
  if (at * 2 <= n * d) return { n, d, start, index, value, mean };
  // Mostly non-zero: stored densely, where the hot loops need no index.
  const dense = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let t = start[i] as number; t < (start[i + 1] as number); t++)
      dense[i * d + (index[t] as number)] = value[t] as number;
  }
  return { n, d, dense, mean };
}

/** Block columns: the two axes wanted plus six of oversampling, so the top two converge fast. */
export const B = 8;

/** P = (X − 1·meanᵀ) Q for a d×8 block Q (row-major), into the n×8 block P. Unrolled: the hot loop. */
export function project(m: Rows, q: Float64Array, p: Float64Array): void {
  const { n, d } = m;
  const mq = new Float64Array(B);
  for (let k = 0; k < d; k++) {
    const mk = m.mean[k] as number;
    for (let j = 0; j < B; j++) mq[j] = (mq[j] as number) + mk * (q[k * B + j] as number);
  }
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    if (m.dense) {
      const row = m.dense.subarray(i * d, (i + 1) * d);
      for (let k = 0, o = 0; k < d; k++, o += B) {
        const v = row[k] as number;
        s0 += v * (q[o] as number);
        s1 += v * (q[o + 1] as number);
        s2 += v * (q[o + 2] as number);
        s3 += v * (q[o + 3] as number);
        s4 += v * (q[o + 4] as number);
        s5 += v * (q[o + 5] as number);
        s6 += v * (q[o + 6] as number);
        s7 += v * (q[o + 7] as number);
      }
    } else {
      const { start, index, value } = m as Required<Rows>;
      for (let t = start[i] as number, end = start[i + 1] as number; t < end; t++) {
        const v = value[t] as number;
        const o = (index[t] as number) * B;
        s0 += v * (q[o] as number);
        s1 += v * (q[o + 1] as number);
        s2 += v * (q[o + 2] as number);
        s3 += v * (q[o + 3] as number);
        s4 += v * (q[o + 4] as number);
        s5 += v * (q[o + 5] as number);
        s6 += v * (q[o + 6] as number);
        s7 += v * (q[o + 7] as number);
      }
    }
    const o = i * B;
    p[o] = s0 - (mq[0] as number);
    p[o + 1] = s1 - (mq[1] as number);
    p[o + 2] = s2 - (mq[2] as number);
    p[o + 3] = s3 - (mq[3] as number);
    p[o + 4] = s4 - (mq[4] as number);
    p[o + 5] = s5 - (mq[5] as number);
    p[o + 6] = s6 - (mq[6] as number);
    p[o + 7] = s7 - (mq[7] as number);
  }
}

/** Z = (X − 1·meanᵀ)ᵀ P for an n×8 block P, into the d×8 block Z. Unrolled: the other hot loop. */
export function backProject(m: Rows, p: Float64Array, z: Float64Array): void {
  const { n, d } = m;
  const colSums = new Float64Array(B);
  z.fill(0);
  for (let i = 0; i < n; i++) {
    const po = i * B;
    const p0 = p[po] as number;
    const p1 = p[po + 1] as number;
    const p2 = p[po + 2] as number;
    const p3 = p[po + 3] as number;
    const p4 = p[po + 4] as number;
    const p5 = p[po + 5] as number;
    const p6 = p[po + 6] as number;
    const p7 = p[po + 7] as number;
    for (let j = 0; j < B; j++) colSums[j] = (colSums[j] as number) + (p[po + j] as number);
    if (m.dense) {
      const row = m.dense.subarray(i * d, (i + 1) * d);
      for (let k = 0, o = 0; k < d; k++, o += B) {
        const v = row[k] as number;
        z[o] = (z[o] as number) + v * p0;
        z[o + 1] = (z[o + 1] as number) + v * p1;
        z[o + 2] = (z[o + 2] as number) + v * p2;
        z[o + 3] = (z[o + 3] as number) + v * p3;
        z[o + 4] = (z[o + 4] as number) + v * p4;
        z[o + 5] = (z[o + 5] as number) + v * p5;
        z[o + 6] = (z[o + 6] as number) + v * p6;
        z[o + 7] = (z[o + 7] as number) + v * p7;
      }
    } else {
      const { start, index, value } = m as Required<Rows>;
      for (let t = start[i] as number, end = start[i + 1] as number; t < end; t++) {
        const v = value[t] as number;
        const o = (index[t] as number) * B;
        z[o] = (z[o] as number) + v * p0;
        z[o + 1] = (z[o + 1] as number) + v * p1;
        z[o + 2] = (z[o + 2] as number) + v * p2;
        z[o + 3] = (z[o + 3] as number) + v * p3;
        z[o + 4] = (z[o + 4] as number) + v * p4;
        z[o + 5] = (z[o + 5] as number) + v * p5;
        z[o + 6] = (z[o + 6] as number) + v * p6;
        z[o + 7] = (z[o + 7] as number) + v * p7;
      }
    }
  }
  for (let k = 0; k < d; k++) {
    const mk = m.mean[k] as number;
    for (let j = 0; j < B; j++) z[k * B + j] = (z[k * B + j] as number) - mk * (colSums[j] as number);
  }
}
