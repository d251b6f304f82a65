import {
  documentFeatures,
  extractLexicalFeatures,
  type LexicalFeatures,
  type LexicalOptions,
  type SparseTf,
} from './lexical-vectorizer.js';
import { splitReportText } from './report-text.js';

/**
 * The lexical features of a batch of reports in a few flat typed arrays, cheap to pass between
 * threads: row r's title buckets are `titleIndices[titleOffsets[r] .. titleOffsets[r + 1])` with
 * their `titleTf`; the body likewise; `docIndices` holds each row's distinct buckets (what its
 * document frequency counts) the same way.
 */
export interface PackedLexicalFeatures {
  n: number;
  titleOffsets: Int32Array;
  titleIndices: Int32Array;
  titleTf: Float32Array;
  bodyOffsets: Int32Array;
  bodyIndices: Int32Array;
  bodyTf: Float32Array;
  docOffsets: Int32Array;
  docIndices: Int32Array;
}

/** Tokenizes and hashes prepared report texts (the title, a newline, the body), packed. */
export function lexicalFeaturesOfTexts(
  texts: readonly string[],
  options: LexicalOptions,
): PackedLexicalFeatures {
  return packLexicalFeatures(texts.map((t) => extractLexicalFeatures(splitReportText(t), options)));
}

/** Packs per-report features into one batch. */
export function packLexicalFeatures(features: readonly LexicalFeatures[]): PackedLexicalFeatures {
  const title = packSparse(features.map((f) => f.title));
  const body = packSparse(features.map((f) => f.body));
  const docs = packRows(features.map(documentFeatures));
  return {
    n: features.length,
    titleOffsets: title.offsets,
    titleIndices: title.indices,
    titleTf: title.tf,
    bodyOffsets: body.offsets,
    bodyIndices: body.indices,
    bodyTf: body.tf,
    docOffsets: docs.offsets,
    docIndices: docs.values,
  };
}

/** Row `r` of a packed batch as per-report features (views into the batch, no copies). */
export function lexicalFeaturesAt(p: PackedLexicalFeatures, r: number): LexicalFeatures {
  return {
    title: sparseAt(p.titleOffsets, p.titleIndices, p.titleTf, r),
    body: sparseAt(p.bodyOffsets, p.bodyIndices, p.bodyTf, r),
  };
}

/** Row `r`'s distinct buckets (a view into the batch). */
export function documentFeaturesAt(p: PackedLexicalFeatures, r: number): Int32Array {
  return p.docIndices.subarray(p.docOffsets[r] as number, p.docOffsets[r + 1] as number);
}

/** The batch's buffers, for a transfer list. */
export function packedLexicalBuffers(p: PackedLexicalFeatures): ArrayBuffer[] {
  return [
    p.titleOffsets,
    p.titleIndices,
    p.titleTf,
    p.bodyOffsets,
    p.bodyIndices,
    p.bodyTf,
    p.docOffsets,
    p.docIndices,
  ].map((a) => a.buffer as ArrayBuffer);
}

function sparseAt(offsets: Int32Array, indices: Int32Array, tf: Float32Array, r: number): SparseTf {
  const from = offsets[r] as number;
  const to = offsets[r + 1] as number;
  return { indices: indices.subarray(from, to), tf: tf.subarray(from, to) };
}

function packSparse(rows: readonly SparseTf[]): {
  offsets: Int32Array;
  indices: Int32Array;
  tf: Float32Array;
} {
  const { offsets, values: indices } = packRows(rows.map((r) => r.indices));
  const tf = new Float32Array(indices.length);
  rows.forEach((r, i) => {
    tf.set(r.tf, offsets[i] as number);
  });
  return { offsets, indices, tf };
}

function packRows(rows: readonly Int32Array[]): { offsets: Int32Array; values: Int32Array } {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => {
    offsets[i + 1] = (offsets[i] as number) + r.length;
  });
  const values = new Int32Array(offsets[rows.length] as number);
  rows.forEach((r, i) => {
    values.set(r, offsets[i] as number);
  });
  return { offsets, values };
}
