import type { Vectors } from '../types.js';
import { smoothIdf } from './term-stats.js';
import { tokenizeWords } from './tokenize.js';

/**
 * The plain baseline: word TF-IDF over an exact vocabulary with scikit-learn's defaults plus
 * sublinear tf (`1 + ln tf`, smoothed IDF, English stop words, L2 norm).
 * Terms found in a single document are dropped after normalizing: they add to a vector's norm but
 * to no dot product, so similarities stay exact while the dense vectors stay small.
 */
export function vectorizeTfidfBaseline(texts: string[]): Vectors {
  const docs = texts.map((text) => {
    const counts = new Map<string, number>();
    for (const w of tokenizeWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    return counts;
  });
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const column = new Map<string, number>();
  for (const [term, n] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n >= 2) column.set(term, column.size);
  }
  const d = Math.max(1, column.size);
  const data = new Float32Array(texts.length * d);
  docs.forEach((doc, i) => {
    let norm = 0;
    const weights: Array<[term: string, weight: number]> = [];
    for (const [term, count] of doc) {
      const w = (1 + Math.log(count)) * smoothIdf(docs.length, df.get(term) ?? 0);
      weights.push([term, w]);
      norm += w * w;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const [term, w] of weights) {
      const c = column.get(term);
      if (c !== undefined) data[i * d + c] = w * inv;
    }
  });
  return { data, n: texts.length, d };
}
