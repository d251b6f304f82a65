import { packRows, paddedWidth } from '../kernel/gram.js';
import { createGramKernel } from '../kernel/gram-kernel.js';
import type { Labels, Strategy, StrategyOptions, Vectors } from '../types.js';

/**
 * One pass in input order: each item joins the cluster whose mean direction is most similar (the
 * lowest cluster on a tie) when that cosine is ≥ `simThreshold`, otherwise it opens a new cluster.
 * A cluster's mean is its normalized sum (the centroid direction), so the comparison is the cosine
 * between the item and the centroid, unaffected by how spread the members are.
 *
 * The centroids stay in the SIMD kernel's memory and each item is compared with all of them at
 * once. O(n·k·d) time for k clusters; O(k·d) memory.
 */
export function centroidLabels(vectors: Vectors, simThreshold: number): Labels {
  const { n, d } = vectors;
  const labels = new Int32Array(n);
  if (n === 0) return labels;
  const width = paddedWidth(d);
  const kernel = createGramKernel();
  // Layout (floats): the item, then one similarity per cluster, then the centroids.
  const itemAt = 0;
  const simsAt = width;
  const centroidsAt = simsAt + Math.ceil(n / 4) * 4;
  kernel.reserve((centroidsAt + width) * 4);
  let mem = kernel.f32();
  const sums: Float64Array[] = [];
  let k = 0;

  for (let i = 0; i < n; i++) {
    packRows(mem, itemAt, vectors, i, 1, width);
    let best = -1;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    if (k > 0) {
      kernel.gram(itemAt * 4, 1, centroidsAt * 4, k, width / 4, simsAt * 4, k);
      for (let c = 0; c < k; c++) {
        const s = mem[simsAt + c] as number;
        if (s > bestSimilarity) {
          bestSimilarity = s;
          best = c;
        }
      }
    }
    const item = vectors.data.subarray(i * d, (i + 1) * d);
    if (best >= 0 && bestSimilarity >= simThreshold) {
      const sum = sums[best] as Float64Array;
      for (let x = 0; x < d; x++) sum[x] = (sum[x] as number) + (item[x] as number);
      writeDirection(mem, centroidsAt + best * width, sum);
      labels[i] = best;
    } else {
      sums.push(Float64Array.from(item));
      kernel.reserve((centroidsAt + (k + 1) * width) * 4);
      mem = kernel.f32();
      packRows(mem, centroidsAt + k * width, vectors, i, 1, width);
      labels[i] = k++;
    }
  }
  return labels;
}

/** Writes `sum / |sum|` at float offset `at` (zeros for a zero sum); padding stays zero. */
function writeDirection(mem: Float32Array, at: number, sum: Float64Array): void {
  let squares = 0;
  for (let x = 0; x < sum.length; x++) squares += (sum[x] as number) ** 2;
  const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
  for (let x = 0; x < sum.length; x++) mem[at + x] = (sum[x] as number) * scale;
}

/** Single-pass clustering against cluster centroids (see `centroidLabels`). */
export const centroid: Strategy = {
  name: 'centroid',
  cluster: (vectors: Vectors, { simThreshold }: StrategyOptions) => centroidLabels(vectors, simThreshold),
};
