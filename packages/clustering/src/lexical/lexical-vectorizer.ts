import type { Vectors } from '../types.js';
import { assertHashDimension, hashFeature } from './feature-hash.js';
import type { ReportText } from './report-text.js';
import { smoothIdf, type TermStats } from './term-stats.js';
import { type TokenizeOptions, tokenizeReport } from './tokenize.js';

/** Parameters of the lexical channel; they are part of the representation's identity. */
export interface LexicalOptions {
  /** Hashed feature space (a power of two). */
  dimension: number;
  /**
   * Share of the title in the vector: title and body are TF-IDF vectors normalized apart and mixed
   * `titleWeight · title + (1 − titleWeight) · body`, so a short title weighs as much as a long body.
   */
  titleWeight: number;
  tokenize?: TokenizeOptions;
}

/** The defaults tuned on the dev data (docs/clustering.md): 4,096 buckets, title and body on equal terms. */
export const DEFAULT_LEXICAL_OPTIONS: LexicalOptions = { dimension: 4096, titleWeight: 0.5 };

/** Version of the tokenizer and weighting; bump it when either changes what a feature index means. */
export const LEXICAL_VERSION = 'lex-v1';

/** Names the feature space of `options` (version and dimension): stats of another space do not apply. */
export function lexicalSpace(options: LexicalOptions): string {
  const tokenize =
    options.tokenize && Object.keys(options.tokenize).length > 0 ? JSON.stringify(options.tokenize) : '';
  return `${LEXICAL_VERSION}:h${options.dimension}${tokenize ? `:${tokenize}` : ''}`;
}

/** Sparse signed sublinear term frequencies of one text field, by hash bucket, before IDF. */
export interface SparseTf {
  /** Distinct buckets, ascending. */
  indices: Int32Array;
  /** Signed `1 + ln(count)` per bucket (colliding terms add up). */
  tf: Float32Array;
}

/** The lexical features of one report: its title and body apart. */
export interface LexicalFeatures {
  title: SparseTf;
  body: SparseTf;
}

/** Hashes a field's terms into signed sublinear term frequencies. */
export function hashTerms(terms: readonly string[], dimension: number): SparseTf {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const buckets = new Map<number, number>();
  for (const [term, count] of counts) {
    const { index, sign } = hashFeature(term, dimension);
    buckets.set(index, (buckets.get(index) ?? 0) + sign * (1 + Math.log(count)));
  }
  const indices = Int32Array.from(buckets.keys()).sort();
  const tf = Float32Array.from(indices, (index) => buckets.get(index) ?? 0);
  return { indices, tf };
}

/** Tokenizes and hashes a report's title and body. */
export function extractLexicalFeatures(report: ReportText, options: LexicalOptions): LexicalFeatures {
  assertHashDimension(options.dimension);
  return {
    title: hashTerms(tokenizeReport(report.title, options.tokenize), options.dimension),
    body: hashTerms(tokenizeReport(report.body, options.tokenize), options.dimension),
  };
}

/** The distinct buckets of a report (title and body together): what its document frequency counts. */
export function documentFeatures(features: LexicalFeatures): Int32Array {
  return Int32Array.from(new Set([...features.title.indices, ...features.body.indices])).sort();
}

/**
 * The report's dense L2-normalized lexical vector under the current IDF: title and body TF-IDF
 * vectors, each normalized, mixed by `titleWeight`, normalized again (all zeros for an empty report).
 */
export function weighLexicalFeatures(
  features: LexicalFeatures,
  stats: TermStats,
  options: LexicalOptions,
): Float32Array {
  const out = new Float32Array(options.dimension);
  addField(out, features.title, stats, options.titleWeight);
  addField(out, features.body, stats, 1 - options.titleWeight);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += (out[i] as number) ** 2;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
  }
  return out;
}

function addField(out: Float32Array, field: SparseTf, stats: TermStats, weight: number): void {
  const values = Float64Array.from(
    field.indices,
    (index, i) => (field.tf[i] as number) * smoothIdf(stats.documents, stats.df(index)),
  );
  let norm = 0;
  for (const v of values) norm += v * v;
  if (norm === 0 || weight <= 0) return;
  const scale = weight / Math.sqrt(norm);
  field.indices.forEach((index, i) => {
    out[index] = (out[index] as number) + (values[i] as number) * scale;
  });
}

/**
 * Lexical vectors of a batch: each report is observed into `stats` first, then all are weighed with
 * the updated IDF (what the representation does with a batch of new reports).
 */
export function vectorizeLexical(
  reports: readonly ReportText[],
  stats: TermStats,
  options: LexicalOptions,
): Vectors {
  const features = reports.map((r) => extractLexicalFeatures(r, options));
  for (const f of features) stats.observe(documentFeatures(f));
  const d = options.dimension;
  const data = new Float32Array(reports.length * d);
  features.forEach((f, i) => {
    data.set(weighLexicalFeatures(f, stats, options), i * d);
  });
  return { data, n: reports.length, d };
}
