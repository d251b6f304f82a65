import type { Vectors } from '../types.js';

/** Seeded uniform [0, 1) generator (mulberry32), for reproducible test and benchmark data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Seeded standard normal samples (Box–Muller). */
export function seededGaussian(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface ClusteredVectorsOptions {
  n: number;
  d: number;
  /** Number of group centres. */
  groups: number;
  /** Share of items that are pure noise (default 0.2). */
  noise?: number;
  /** Spread of a member around its centre, relative to the centre's norm (default 0.6). */
  spread?: number;
  seed: number;
}

/**
 * Unit vectors around `groups` random centres, plus a share of pure noise, in a seeded random
 * order; `truth` is the centre of each item (−1 − i for noise items, each its own group).
 */
export function clusteredVectors(options: ClusteredVectorsOptions): { vectors: Vectors; truth: Int32Array } {
  const { n, d, groups, seed } = options;
  const gauss = seededGaussian(seed);
  const random = seededRandom(seed ^ 0x5bd1e995);
  const spread = options.spread ?? 0.6;
  const noise = options.noise ?? 0.2;
  const centres = Array.from({ length: groups }, () =>
    Float64Array.from({ length: d }, () => gauss() / Math.sqrt(d)),
  );
  const data = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const isNoise = random() < noise;
    const g = Math.floor(random() * groups);
    const centre = centres[g] as Float64Array;
    const row = new Float64Array(d);
    let squares = 0;
    for (let k = 0; k < d; k++) {
      const e = gauss() / Math.sqrt(d);
      row[k] = isNoise ? e : (centre[k] as number) + spread * e;
      squares += (row[k] as number) ** 2;
    }
    const scale = 1 / Math.sqrt(squares);
    for (let k = 0; k < d; k++) data[i * d + k] = (row[k] as number) * scale;
    truth[i] = isNoise ? -1 - i : g;
  }
  return { vectors: { data, n, d }, truth };
}

/** Plain float64 dot product of row `i` of `a` and row `j` of `b`: the test reference. */
export function referenceDot(a: Vectors, i: number, b: Vectors, j: number): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) s += (a.data[i * a.d + k] as number) * (b.data[j * b.d + k] as number);
  return s;
}

/** Unit vectors with uniformly random directions. */
export function randomUnitVectors(n: number, d: number, seed: number): Vectors {
  return clusteredVectors({ n, d, groups: 1, noise: 1, seed }).vectors;
}
