import type { Vectors } from '../types.js';

/**
 * Each row's mean cosine similarity to the other rows (1 for a single row), from the rows' sum:
 * `(v·Σ − v·v) / (n − 1)`. O(n·d).
 */
export function meanSimilarities(vectors: Vectors): Float64Array {
  const { n, d, data } = vectors;
  const out = new Float64Array(n);
  if (n <= 1) return out.fill(1);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) sum[k] = (sum[k] as number) + (data[i * d + k] as number);
  for (let i = 0; i < n; i++) {
    let withSum = 0;
    let self = 0;
    for (let k = 0; k < d; k++) {
      const v = data[i * d + k] as number;
      withSum += v * (sum[k] as number);
      self += v * v;
    }
    out[i] = (withSum - self) / (n - 1);
  }
  return out;
}

/** Row indices from the most to the least central (highest mean similarity first; ties: lower index). */
export function centralityOrder(vectors: Vectors): number[] {
  const mean = meanSimilarities(vectors);
  return Array.from({ length: vectors.n }, (_, i) => i).sort(
    (a, b) => (mean[b] as number) - (mean[a] as number) || a - b,
  );
}

/** The medoid: the row with the highest mean similarity to the others (lowest index on a tie); −1 when empty. */
export function medoidIndex(vectors: Vectors): number {
  return vectors.n === 0 ? -1 : (centralityOrder(vectors)[0] as number);
}
