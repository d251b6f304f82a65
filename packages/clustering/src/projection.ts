/**
 * A 2-D picture of high-dimensional vectors: their first two principal components (PCA).
 *
 * The covariance matrix is never formed (it would be d×d, with d up to several thousand for the
 * hybrid representation). Block power iteration (subspace iteration) works on the centered rows
 * instead: each round multiplies a d×b block by XᵀX in two passes over the rows, with the centering
 * applied implicitly so sparse rows (the lexical channel) stay sparse. A few extra block columns
 * beyond the two wanted make the top two converge fast even when later variances are close, and a
 * Rayleigh–Ritz step inside the block gives the best two axes it holds. Cost: O(nnz · b ·
 * iterations), where nnz ≤ n·d is the number of non-zero entries.
 */

import { orthonormalize, symmetricEigen } from './projection/block-algebra.js';
import { B, backProject, project, type Rows, rowsOf } from './projection/centered-rows.js';

export interface ProjectionOptions {
  /** Seed of the starting block: the same input and seed give the same answer (default 1). */
  seed?: number;
  /** Most rounds of block power iteration (default 6: 97–99.5% of the best two axes' variance in `npm run bench:cluster-map`). */
  maxIterations?: number;
  /** Stop once the two axes move less than this between rounds, as a subspace distance (default 1e-8). */
  tolerance?: number;
}

export interface Pca2Result {
  /** Coordinates of each row along the first principal axis (rows centered on their mean). */
  x: Float64Array;
  /** Coordinates along the second principal axis. */
  y: Float64Array;
  /** The two axes: orthonormal, each with its largest-magnitude entry positive (zeros when there is no variance). */
  axes: [Float64Array, Float64Array];
  /** Variance of the rows along each axis (first ≥ second). */
  variance: [number, number];
  iterations: number;
}

/** Spread (in units of a unit direction) below which centroids count as one point. */
const SAME_DIRECTION = 1e-6;

/** Seeded uniform generator on [-0.5, 0.5) (mulberry32). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296 - 0.5;
  };
}

interface Ritz {
  /** The top two Ritz vectors (d-dim) and their coordinates (n-dim), and variances. */
  axes: [Float64Array, Float64Array];
  coords: [Float64Array, Float64Array];
  variance: [number, number];
}

/** Rayleigh–Ritz in span(Q), given P = X_c·Q: the best two axes the block holds. */
function ritz(q: Float64Array, p: Float64Array, n: number, d: number, b: number): Ritz {
  const g = new Float64Array(b * b);
  for (let i = 0; i < n; i++) {
    const o = i * b;
    for (let r = 0; r < b; r++) {
      const pr = p[o + r] as number;
      for (let c = r; c < b; c++) g[r * b + c] = (g[r * b + c] as number) + pr * (p[o + c] as number);
    }
  }
  for (let r = 0; r < b; r++) {
    for (let c = r; c < b; c++) {
      const v = (g[r * b + c] as number) / n;
      g[r * b + c] = v;
      g[c * b + r] = v;
    }
  }
  const { values, vectors } = symmetricEigen(g, b);
  const axes: [Float64Array, Float64Array] = [new Float64Array(d), new Float64Array(d)];
  const coords: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  for (let w = 0; w < Math.min(2, b); w++) {
    const axis = axes[w] as Float64Array;
    const coord = coords[w] as Float64Array;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < b; j++) s += (q[k * b + j] as number) * (vectors[j * b + w] as number);
      axis[k] = s;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < b; j++) s += (p[i * b + j] as number) * (vectors[j * b + w] as number);
      coord[i] = s;
    }
  }
  return { axes, coords, variance: [Math.max(0, values[0] ?? 0), Math.max(0, values[1] ?? 0)] };
}

function dot(a: Float64Array, c: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (c[k] as number);
  return s;
}

/** How far the axes with variance moved: their count − ‖AoldᵀAnew‖²_F (0 when the spans coincide). */
function moved(prev: Ritz, next: Ritz): number {
  const live = next.variance.filter((v) => v > 1e-12 * next.variance[0]).length;
  let overlap = 0;
  for (let a = 0; a < live; a++)
    for (let c = 0; c < live; c++)
      overlap += dot(prev.axes[a] as Float64Array, next.axes[c] as Float64Array) ** 2;
  return live - overlap;
}

/** Flips `axis` (and its coordinates) so that its largest-magnitude entry is positive. */
function fixSign(axis: Float64Array, coords: Float64Array): void {
  let best = 0;
  for (let k = 0; k < axis.length; k++)
    if (Math.abs(axis[k] as number) > Math.abs(best)) best = axis[k] as number;
  if (best < 0) {
    for (let k = 0; k < axis.length; k++) axis[k] = -(axis[k] as number);
    for (let i = 0; i < coords.length; i++) coords[i] = -(coords[i] as number);
  }
}

function runPca2(m: Rows, options: ProjectionOptions): Pca2Result {
  const { n, d } = m;
  const b = B;
  const maxIterations = Math.max(1, options.maxIterations ?? 6);
  const tolerance = options.tolerance ?? 1e-8;
  const random = seeded(options.seed ?? 1);
  if (n < 2 || d === 0) {
    return {
      x: new Float64Array(n),
      y: new Float64Array(n),
      axes: [new Float64Array(d), new Float64Array(d)],
      variance: [0, 0],
      iterations: 0,
    };
  }
  const q = Float64Array.from({ length: d * b }, random);
  orthonormalize(q, d, b, random);
  const p = new Float64Array(n * b);
  let best: Ritz | undefined;
  let iterations = 0;
  for (;;) {
    project(m, q, p);
    const next = ritz(q, p, n, d, b);
    const done = best !== undefined && (moved(best, next) < tolerance || next.variance[0] === 0);
    best = next;
    if (done || iterations === maxIterations) break;
    iterations++;
    backProject(m, p, q);
    orthonormalize(q, d, b, random);
  }
  const [axis1, axis2] = best.axes;
  const [x, y] = best.coords;
  if (best.variance[0] === 0) {
    x.fill(0);
    y.fill(0);
  }
  fixSign(axis1, x);
  fixSign(axis2, y);
  return { x, y, axes: [axis1, axis2], variance: best.variance, iterations };
}

/**
 * The first two principal components of `rows` (all of one length): each row's coordinates along
 * the two axes of largest variance of the centered rows, by seeded block power iteration.
 */
export function pca2(rows: readonly Float32Array[], options: ProjectionOptions = {}): Pca2Result {
  return runPca2(rowsOf(rows, false), options);
}

/**
 * Map coordinates of cluster centroids: each member-sum vector is normalized to a unit direction,
 * the directions are centered and projected on their first two principal axes, and both
 * coordinates are divided by one common factor so the points fill [-1, 1] without distorting
 * distances. One point (or one direction) sits at the origin; no centroids give empty arrays.
 */
export function projectCentroids(
  sums: readonly Float32Array[],
  options: ProjectionOptions = {},
): { x: Float64Array; y: Float64Array } {
  const { x, y } = runPca2(rowsOf(sums, true), options);
  let extent = 0;
  for (let i = 0; i < x.length; i++)
    extent = Math.max(extent, Math.abs(x[i] as number), Math.abs(y[i] as number));
  // Unit directions that differ by rounding only are one point, not noise blown up to fill the map.
  const f = extent > SAME_DIRECTION ? 1 / extent : 0;
  for (let i = 0; i < x.length; i++) {
    x[i] = (x[i] as number) * f + 0;
    y[i] = (y[i] as number) * f + 0;
  }
  return { x, y };
}
