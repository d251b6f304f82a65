import { describe, expect, it } from 'vitest';
import { pca2, projectCentroids } from './projection.js';
import { seededGaussian, seededRandom } from './test-support/random-vectors.js';

const f32 = (...v: number[]) => Float32Array.from(v);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

/** A rotation of 3-D space: the principal axes of rotated data are the rotated unit axes. */
function rotation(seed: number): number[][] {
  const g = seededGaussian(seed);
  const cols: number[][] = [];
  for (let c = 0; c < 3; c++) {
    const v = [g(), g(), g()];
    for (const u of cols) {
      const k = dot(v, u);
      for (let i = 0; i < 3; i++) v[i] = (v[i] as number) - k * (u[i] as number);
    }
    const n = Math.sqrt(dot(v, v));
    cols.push(v.map((x) => x / n));
  }
  return cols;
}

describe('pca2', () => {
  it('finds known principal axes: an ellipse 3 × 1 (× 0.1) rotated into general position', () => {
    const [e1, e2, e3] = rotation(7) as [number[], number[], number[]];
    const offset = [5, -2, 1];
    const rows: Float32Array[] = [];
    const m = 360;
    for (let i = 0; i < m; i++) {
      const t = (2 * Math.PI * i) / m;
      const [u, v, w] = [3 * Math.cos(t), Math.sin(t), 0.1 * Math.cos(3 * t)];
      rows.push(
        Float32Array.from({ length: 3 }, (_, k) => {
          const o = offset[k] as number;
          return o + u * (e1[k] as number) + v * (e2[k] as number) + w * (e3[k] as number);
        }),
      );
    }
    const r = pca2(rows);
    expect(Math.abs(dot(r.axes[0], e1))).toBeCloseTo(1, 5);
    expect(Math.abs(dot(r.axes[1], e2))).toBeCloseTo(1, 5);
    expect(dot(r.axes[0], r.axes[1])).toBeCloseTo(0, 9);
    // Variances of 3cos t and sin t over a full turn: 9/2 and 1/2.
    expect(r.variance[0]).toBeCloseTo(4.5, 4);
    expect(r.variance[1]).toBeCloseTo(0.5, 4);
    // The coordinates are the centered rows projected on the axes (up to each axis' sign).
    const s1 = Math.sign(dot(r.axes[0], e1));
    const s2 = Math.sign(dot(r.axes[1], e2));
    for (const i of [0, 45, 90, 200]) {
      const t = (2 * Math.PI * i) / m;
      expect(r.x[i]).toBeCloseTo(s1 * 3 * Math.cos(t), 4);
      expect(r.y[i]).toBeCloseTo(s2 * Math.sin(t), 4);
    }
  });

  it('answers axis-aligned data exactly, each axis with its largest entry positive', () => {
    const rows = [f32(-2, 0, 0, 1), f32(2, 0, 0, 1), f32(0, -1, 0, 1), f32(0, 1, 0, 1)];
    const r = pca2(rows);
    expect(Array.from(r.axes[0]).map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([1, 0, 0, 0]);
    expect(Array.from(r.axes[1]).map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([0, 1, 0, 0]);
    expect(Array.from(r.x)).toEqual([-2, 2, 0, 0].map((v) => expect.closeTo(v, 9)));
    expect(Array.from(r.y)).toEqual([0, 0, -1, 1].map((v) => expect.closeTo(v, 9)));
    expect(r.variance[0]).toBeCloseTo(2, 9);
    expect(r.variance[1]).toBeCloseTo(0.5, 9);
  });

  it('maximizes variance: no random direction beats the first axis, none orthogonal to it beats the second', () => {
    const g = seededGaussian(3);
    const d = 20;
    const rows = Array.from({ length: 300 }, () =>
      Float32Array.from({ length: d }, (_, k) => g() * (k < 5 ? 5 - k : 0.3)),
    );
    const r = pca2(rows);
    const mean = new Float64Array(d);
    for (const row of rows)
      for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (row[k] as number) / rows.length;
    const varianceAlong = (u: Float64Array) =>
      rows.reduce((s, row) => s + (dot(row, u) - dot(mean, u)) ** 2, 0) / rows.length;
    expect(varianceAlong(r.axes[0])).toBeCloseTo(r.variance[0], 6);
    expect(varianceAlong(r.axes[1])).toBeCloseTo(r.variance[1], 6);
    const random = seededGaussian(11);
    for (let trial = 0; trial < 200; trial++) {
      const u = Float64Array.from({ length: d }, random);
      const n = Math.sqrt(dot(u, u));
      for (let k = 0; k < d; k++) u[k] = (u[k] as number) / n;
      expect(varianceAlong(u)).toBeLessThanOrEqual(r.variance[0] + 1e-9);
      const c = dot(u, r.axes[0]);
      for (let k = 0; k < d; k++) u[k] = (u[k] as number) - c * (r.axes[0][k] as number);
      const m = Math.sqrt(dot(u, u));
      for (let k = 0; k < d; k++) u[k] = (u[k] as number) / m;
      expect(varianceAlong(u)).toBeLessThanOrEqual(r.variance[1] + 1e-9);
    }
  });

  it('answers the same whether the rows are stored sparse or dense', () => {
    const random = seededRandom(8);
    const d = 40;
    // About one entry in eight is non-zero: stored sparse.
    const sparse = Array.from({ length: 60 }, (_, i) =>
      Float32Array.from({ length: d }, (_, k) => ((k + i) % 8 === 0 || k === i % 5 ? 1 + random() : 0)),
    );
    // The same rows with a constant column appended (no variance) are mostly non-zero: stored dense.
    const dense = sparse.map((r) => Float32Array.from([...r, ...Array.from({ length: d }, () => 0.5)]));
    const a = pca2(sparse, { maxIterations: 200, tolerance: 1e-14 });
    const b = pca2(dense, { maxIterations: 200, tolerance: 1e-14 });
    expect(b.variance[0]).toBeCloseTo(a.variance[0], 9);
    expect(b.variance[1]).toBeCloseTo(a.variance[1], 9);
    expect(Math.abs(dot(a.axes[0], b.axes[0].subarray(0, d)))).toBeCloseTo(1, 6);
    for (let i = 0; i < sparse.length; i++)
      expect(Math.abs(b.x[i] as number)).toBeCloseTo(Math.abs(a.x[i] as number), 6);
  });

  it('is deterministic for a seed, and other seeds find the same axes', () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 100 }, () => Float32Array.from({ length: 12 }, () => random()));
    const a = pca2(rows, { seed: 1 });
    expect(pca2(rows, { seed: 1 })).toEqual(a);
    const b = pca2(rows, { seed: 99, maxIterations: 500, tolerance: 1e-14 });
    const c = pca2(rows, { seed: 1, maxIterations: 500, tolerance: 1e-14 });
    expect(Math.abs(dot(b.axes[0], c.axes[0]))).toBeCloseTo(1, 6);
    expect(b.variance[0]).toBeCloseTo(c.variance[0], 9);
  });

  it('handles degenerate input: no rows, one row, identical rows, collinear rows, one dimension', () => {
    expect(pca2([]).x).toHaveLength(0);
    expect(Array.from(pca2([f32(1, 2, 3)]).x)).toEqual([0]);
    const same = pca2([f32(1, 2, 3), f32(1, 2, 3), f32(1, 2, 3)]);
    expect(same.variance).toEqual([0, 0]);
    expect(Array.from(same.x)).toEqual([0, 0, 0]);

    const line = pca2([f32(0, 0, 0), f32(1, 1, 0), f32(2, 2, 0), f32(3, 3, 0)]);
    expect(Math.abs(line.axes[0][0] as number)).toBeCloseTo(Math.SQRT1_2, 9);
    expect(line.variance[1]).toBeCloseTo(0, 12);
    expect(Array.from(line.y).every((v) => Math.abs(v) < 1e-9)).toBe(true);
    expect(dot(line.axes[0], line.axes[1])).toBeCloseTo(0, 9);

    const oneD = pca2([f32(1), f32(3)]);
    expect(Array.from(oneD.x)).toEqual([-1, 1]);
    expect(Array.from(oneD.y)).toEqual([0, 0]);

    expect(() => pca2([f32(1, 2), f32(1)])).toThrow(RangeError);
  });
});

describe('projectCentroids', () => {
  it('uses directions only (sums of different sizes), scaled together into [-1, 1]', () => {
    // Three groups of directions in 4-D; sums are scaled by arbitrary cluster sizes.
    const sums = [f32(10, 0, 0, 0), f32(0, 3, 0, 0), f32(0, 0, 7, 0), f32(0, 0, 0.5, 0), f32(2, 0, 0, 0)];
    const { x, y } = projectCentroids(sums);
    const extent = Math.max(...Array.from(x, Math.abs), ...Array.from(y, Math.abs));
    expect(extent).toBeCloseTo(1, 12);
    // The same direction lands on the same point, whatever the size.
    expect(x[0]).toBeCloseTo(x[4] as number, 9);
    expect(y[0]).toBeCloseTo(y[4] as number, 9);
    expect(x[2]).toBeCloseTo(x[3] as number, 9);
    expect(y[2]).toBeCloseTo(y[3] as number, 9);
    // Distinct directions land apart.
    expect(
      Math.hypot((x[0] as number) - (x[1] as number), (y[0] as number) - (y[1] as number)),
    ).toBeGreaterThan(0.5);
  });

  it('puts one centroid, or centroids of one direction, at the origin', () => {
    const one = projectCentroids([f32(1, 2, 3)]);
    expect([one.x[0], one.y[0]]).toEqual([0, 0]);
    const same = projectCentroids([f32(1, 2, 3), f32(2, 4, 6), f32(0.5, 1, 1.5)]);
    expect(Array.from(same.x)).toEqual([0, 0, 0]);
    expect(Array.from(same.y)).toEqual([0, 0, 0]);
    expect(projectCentroids([]).x).toHaveLength(0);
  });

  it('separates the groups of clustered data', () => {
    const g = seededGaussian(21);
    const d = 64;
    const centres = Array.from({ length: 3 }, () => Float32Array.from({ length: d }, g));
    const sums: Float32Array[] = [];
    const group: number[] = [];
    for (let i = 0; i < 90; i++) {
      const c = centres[i % 3] as Float32Array;
      sums.push(Float32Array.from(c, (v) => (v + 0.05 * g()) * (1 + (i % 7))));
      group.push(i % 3);
    }
    const { x, y } = projectCentroids(sums);
    const centre = (k: number) => {
      const idx = group.flatMap((gr, i) => (gr === k ? [i] : []));
      return [
        idx.reduce((s, i) => s + (x[i] as number), 0) / idx.length,
        idx.reduce((s, i) => s + (y[i] as number), 0) / idx.length,
      ];
    };
    for (let i = 0; i < sums.length; i++) {
      const own = centre(group[i] as number);
      const dist = (c: number[]) =>
        Math.hypot((x[i] as number) - (c[0] as number), (y[i] as number) - (c[1] as number));
      for (let k = 0; k < 3; k++) if (k !== group[i]) expect(dist(own)).toBeLessThan(dist(centre(k)));
    }
  });
});
