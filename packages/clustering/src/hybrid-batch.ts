import { combineHybrid } from './hybrid.js';
import { lexicalFeaturesAt, type PackedLexicalFeatures } from './lexical/lexical-batch.js';
import { type LexicalOptions, weighLexicalFeatures } from './lexical/lexical-vectorizer.js';
import type { TermStats } from './lexical/term-stats.js';
import type { Vectors } from './types.js';

/**
 * The offline hybrid's unit vectors for a batch, packed row after row: row r's lexical features
 * weighed with the IDF of `stats`, joined with row r of `semantic` by `combineHybrid`.
 */
export function hybridVectorsBatch(
  features: PackedLexicalFeatures,
  stats: TermStats,
  semantic: Vectors,
  lexical: LexicalOptions,
  lexicalWeight: number,
): Vectors {
  if (semantic.n !== features.n) {
    throw new RangeError(`${features.n} lexical rows but ${semantic.n} semantic ones`);
  }
  const d = lexical.dimension + semantic.d;
  const data = new Float32Array(features.n * d);
  for (let r = 0; r < features.n; r++) {
    const lex = weighLexicalFeatures(lexicalFeaturesAt(features, r), stats, lexical);
    const sem = semantic.data.subarray(r * semantic.d, (r + 1) * semantic.d);
    data.set(combineHybrid(lex, sem, lexicalWeight), r * d);
  }
  return { data, n: features.n, d };
}
