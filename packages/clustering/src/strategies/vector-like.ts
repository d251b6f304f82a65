import { forEachDotBlock } from '../kernel/gram.js';
import type { Labels, Strategy, StrategyOptions, Vectors } from '../types.js';

/**
 * For each item, the index of its most similar earlier item (the lowest index on a tie, −1 for the
 * first item) and that similarity. O(n²·d) time on the SIMD kernel (tiles below the diagonal
 * only), O(n) memory besides the kernel's tiles.
 */
export function mostSimilarEarlier(vectors: Vectors): { index: Int32Array; similarity: Float32Array } {
  const n = vectors.n;
  const index = new Int32Array(n).fill(-1);
  const similarity = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
  forEachDotBlock(
    vectors,
    vectors,
    ({ rowStart, rowCount, colStart, colCount, dots }) => {
      // Column tiles arrive in ascending order, so a strict comparison keeps the earliest of equals.
      for (let r = 0; r < rowCount; r++) {
        const i = rowStart + r;
        const end = Math.min(colStart + colCount, i);
        const from = r * colCount - colStart;
        let best = similarity[i] as number;
        let bestIndex = index[i] as number;
        for (let j = colStart; j < end; j++) {
          const s = dots[from + j] as number;
          if (s > best) {
            best = s;
            bestIndex = j;
          }
        }
        similarity[i] = best;
        index[i] = bestIndex;
      }
    },
    { skip: (_rowStart, rowEnd, colStart) => colStart >= rowEnd - 1 },
  );
  return { index, similarity };
}

/**
 * One pass in input order: each item joins the cluster of its most similar earlier item when that
 * similarity is ≥ `simThreshold`, otherwise it opens a new cluster. O(n²·d) time, O(n) memory
 * besides the kernel's bounded tiles.
 */
export function vectorLikeLabels(vectors: Vectors, simThreshold: number): Labels {
  const { index, similarity } = mostSimilarEarlier(vectors);
  const labels = new Int32Array(vectors.n);
  let next = 0;
  for (let i = 0; i < vectors.n; i++) {
    const j = index[i] as number;
    labels[i] = j >= 0 && (similarity[i] as number) >= simThreshold ? (labels[j] as number) : next++;
  }
  return labels;
}

/** Nearest-earlier-item clustering (see `vectorLikeLabels`). */
export const vectorLike: Strategy = {
  name: 'vector_like',
  cluster: (vectors: Vectors, { simThreshold }: StrategyOptions) => vectorLikeLabels(vectors, simThreshold),
};
