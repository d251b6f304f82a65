import { forEachDotBlock } from '../kernel/gram.js';
import { relabelByFirstAppearance } from '../labels.js';
import type { Labels, Strategy, StrategyOptions, Vectors } from '../types.js';

/** Most float32 entries a condensed matrix may hold here (4 GiB). */
const MAX_CONDENSED = 2 ** 30;

/**
 * Dot products (cosine similarities) of all pairs `i < j`, condensed row-major: pair (i, j) at
 * `rowBase[i] + j`. They come from the SIMD kernel, tiles above the diagonal only, copied row
 * segment by row segment. O(n²·d) time, n(n−1)/2 float32 values.
 */
export function condensedSimilarities(vectors: Vectors): { similarities: Float32Array; rowBase: Int32Array } {
  const n = vectors.n;
  const size = (n * (n - 1)) / 2;
  if (size > MAX_CONDENSED) {
    throw new RangeError(`agglomerative: n = ${n} needs ${size} similarities, more than ${MAX_CONDENSED}`);
  }
  const rowBase = new Int32Array(n);
  for (let i = 0; i < n; i++) rowBase[i] = i * n - (i * (i + 1)) / 2 - i - 1;
  const similarities = new Float32Array(size);
  forEachDotBlock(
    vectors,
    vectors,
    ({ rowStart, rowCount, colStart, colCount, dots }) => {
      const colEnd = colStart + colCount;
      for (let r = 0; r < rowCount; r++) {
        const i = rowStart + r;
        const from = Math.max(colStart, i + 1);
        if (from >= colEnd) continue;
        const at = r * colCount - colStart;
        similarities.set(dots.subarray(at + from, at + colEnd), (rowBase[i] as number) + from);
      }
    },
    { rowsPerTile: 512, skip: (rowStart, _rowEnd, _colStart, colEnd) => colEnd <= rowStart + 1 },
  );
  return { similarities, rowBase };
}

/**
 * Average-linkage agglomerative clustering on cosine distance, merging while the linkage distance
 * is strictly below `1 − simThreshold`: the partition scikit-learn's
 * `AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
 * distance_threshold=1 − simThreshold)` gives (float32 near-ties aside).
 *
 * Nearest-neighbour chain (Müllner 2011) with size-weighted Lance–Williams updates. Average
 * linkage is reducible, so a cluster whose nearest neighbour is at or beyond the threshold can
 * never merge below it again: it is retired at once, which cuts the tree exactly where a full
 * dendrogram would be cut. Ties go to the chain's previous element (which the algorithm needs),
 * then to the lowest index.
 *
 * The matrix holds similarities s (distance 1 − s); linkage values are size-weighted means of
 * them, so the same updates apply, and the cut compares 1 − s with the distance threshold.
 *
 * Memory: a condensed float32 matrix, n(n−1)/2 values (0.8 GB at n = 20,000), half of a square
 * one. A square matrix would make every nearest-neighbour scan contiguous, but each merge would
 * still write a strided column as well as a row; the chain phase is under half the run time at
 * n = 20,000, so halving memory is worth more than the speed a square layout could buy (n is
 * capped near 46,000 at 4 GiB). Time: O(n²·d) for the similarities (SIMD kernel, upper-triangle
 * tiles), O(n²) for the chain.
 */
export function agglomerativeLabels(vectors: Vectors, simThreshold: number): Labels {
  const n = vectors.n;
  if (n <= 1) return new Int32Array(n);
  const limit = 1 - simThreshold;
  const { similarities: sim, rowBase } = condensedSimilarities(vectors);
  const simAt = (x: number, y: number): number =>
    x < y ? (sim[(rowBase[x] as number) + y] as number) : (sim[(rowBase[y] as number) + x] as number);

  const active = new Int32Array(n);
  for (let i = 0; i < n; i++) active[i] = i;
  let activeCount = n;
  const size = new Float64Array(n).fill(1);
  const parent = new Int32Array(n).fill(-1);
  const chain = new Int32Array(n);
  let chainLength = 0;

  const positionOf = (x: number): number => {
    let lo = 0;
    let hi = activeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((active[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const deactivate = (x: number): void => {
    const p = positionOf(x);
    active.copyWithin(p, p + 1, activeCount);
    activeCount--;
  };

  // Nearest (most similar) active neighbour of `a`, preferring `previous` on a tie, then the
  // lowest index.
  let nearestSimilarity = 0;
  const nearest = (a: number, previous: number): number => {
    const pa = positionOf(a);
    let best = -1;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < pa; p++) {
      const x = active[p] as number;
      const s = sim[(rowBase[x] as number) + a] as number;
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = x;
      }
    }
    const base = rowBase[a] as number;
    for (let p = pa + 1; p < activeCount; p++) {
      const x = active[p] as number;
      const s = sim[base + x] as number;
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = x;
      }
    }
    if (previous >= 0 && simAt(a, previous) >= bestSimilarity) best = previous;
    nearestSimilarity = bestSimilarity;
    return best;
  };

  // Merges `lo` into `hi` (lo < hi): hi's similarities become the size-weighted averages.
  const merge = (lo: number, hi: number): void => {
    const wl = (size[lo] as number) / ((size[lo] as number) + (size[hi] as number));
    const wh = 1 - wl;
    const baseLo = rowBase[lo] as number;
    const baseHi = rowBase[hi] as number;
    for (let p = 0; p < activeCount; p++) {
      const k = active[p] as number;
      if (k < lo) {
        const base = rowBase[k] as number;
        sim[base + hi] = wl * (sim[base + lo] as number) + wh * (sim[base + hi] as number);
      } else if (k > lo && k < hi) {
        const at = (rowBase[k] as number) + hi;
        sim[at] = wl * (sim[baseLo + k] as number) + wh * (sim[at] as number);
      } else if (k > hi) {
        sim[baseHi + k] = wl * (sim[baseLo + k] as number) + wh * (sim[baseHi + k] as number);
      }
    }
    size[hi] = (size[hi] as number) + (size[lo] as number);
    parent[lo] = hi;
    deactivate(lo);
  };

  while (activeCount > 1) {
    if (chainLength === 0) chain[chainLength++] = active[0] as number;
    const a = chain[chainLength - 1] as number;
    const previous = chainLength >= 2 ? (chain[chainLength - 2] as number) : -1;
    const b = nearest(a, previous);
    if (!(1 - nearestSimilarity < limit)) {
      // Nothing is closer than the threshold, and merges elsewhere cannot bring anything closer.
      deactivate(a);
      chainLength--;
    } else if (b === previous) {
      merge(Math.min(a, b), Math.max(a, b));
      chainLength -= 2;
    } else {
      chain[chainLength++] = b;
    }
  }

  // Every merge points a lower index at a higher one, so roots resolve from the top down.
  const root = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i] as number;
    root[i] = p < 0 ? i : (root[p] as number);
  }
  return relabelByFirstAppearance(root);
}

/** The default strategy: average-linkage agglomerative clustering (see `agglomerativeLabels`). */
export const agglomerative: Strategy = {
  name: 'agglomerative',
  cluster: (vectors: Vectors, { simThreshold }: StrategyOptions) =>
    agglomerativeLabels(vectors, simThreshold),
};
