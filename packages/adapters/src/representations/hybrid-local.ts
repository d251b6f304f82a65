import { createHash } from 'node:crypto';
import {
  DEFAULT_HYBRID_LEXICAL_WEIGHT,
  DEFAULT_HYBRID_THRESHOLD,
  DEFAULT_LEXICAL_OPTIONS,
  DEFAULT_SEMANTIC_BODY_CHARS,
  documentFeaturesAt,
  type LexicalOptions,
  lexicalSpace,
  semanticInput,
  splitReportText,
} from '@fixloop/clustering';
import type { Embedder, EmbeddingCache, Representation } from '@fixloop/domain';
import { CachedEmbedder } from '../embeddings/cached-embedder.js';
import { type HybridMath, inProcessHybridMath } from './hybrid-math.js';

/** The `local` default's threshold, chosen on the dev data (docs/clustering.md). */
export const HYBRID_LOCAL_DEFAULT_THRESHOLD = DEFAULT_HYBRID_THRESHOLD;

/** Per-project document frequencies of the lexical channel (the store's `RedisTermStats`). */
export interface ProjectTermStats {
  load(projectId: string, space: string): Promise<{ documents: number; df: Iterable<[number, number]> }>;
  /** Counts each document whose fingerprint was not counted before; answers which were new. */
  observe(
    projectId: string,
    space: string,
    documents: ReadonlyArray<{ fingerprint: string; features: ArrayLike<number> }>,
  ): Promise<boolean[]>;
}

export interface HybridLocalOptions {
  termStats: ProjectTermStats;
  /** The semantic channel (USE-lite by default at the composition root). */
  embedder: Embedder;
  cache?: EmbeddingCache;
  lexical?: LexicalOptions;
  /** Weight of the lexical channel's cosine in the hybrid's (default: the tuned value). */
  lexicalWeight?: number;
  /** Body characters the semantic channel sees after the title (default: the tuned value). */
  semanticBodyChars?: number;
  defaultThreshold?: number;
  /** Where the arithmetic runs (default: the calling thread). */
  math?: HybridMath;
}

/**
 * The offline default: hashed title-weighted TF-IDF (per-project IDF, learned as reports arrive)
 * combined with a sentence encoder, `w · cos_lex + (1 − w) · cos_sem`. Vectors carry the IDF of the
 * moment they are made; a recluster re-vectorizes and so re-weighs everything with today's IDF.
 * Texts are prepared reports: the title on the first line, the body after it.
 */
export class HybridLocalRepresentation implements Representation {
  readonly id = 'local:hybrid-v1';
  readonly dimensions: number;
  readonly defaultThreshold: number;
  private readonly lexical: LexicalOptions;
  private readonly space: string;
  private readonly semantic: Embedder;
  private readonly lexicalWeight: number;
  private readonly semanticBodyChars: number;

  constructor(private readonly options: HybridLocalOptions) {
    this.lexical = options.lexical ?? DEFAULT_LEXICAL_OPTIONS;
    this.space = lexicalSpace(this.lexical);
    this.semantic = options.cache ? new CachedEmbedder(options.embedder, options.cache) : options.embedder;
    this.dimensions = this.lexical.dimension + options.embedder.dimensions;
    this.defaultThreshold = options.defaultThreshold ?? HYBRID_LOCAL_DEFAULT_THRESHOLD;
    this.lexicalWeight = options.lexicalWeight ?? DEFAULT_HYBRID_LEXICAL_WEIGHT;
    this.semanticBodyChars = options.semanticBodyChars ?? DEFAULT_SEMANTIC_BODY_CHARS;
  }

  async vectorize(projectId: string, texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const math = this.options.math ?? inProcessHybridMath;
    const features = await math.lexicalFeatures(texts, this.lexical);
    // Count first, then weigh: a batch's own reports are part of the IDF they are weighed with.
    const counted = async () => {
      await this.options.termStats.observe(
        projectId,
        this.space,
        texts.map((t, i) => ({ fingerprint: fingerprint(t), features: documentFeaturesAt(features, i) })),
      );
      return this.options.termStats.load(projectId, this.space);
    };
    // The semantic channel does not depend on the counts: it runs meanwhile.
    const [rows, snapshot] = await Promise.all([
      this.semantic.embed(texts.map((t) => semanticInput(splitReportText(t), this.semanticBodyChars))),
      counted(),
    ]);
    const df = new Uint32Array(this.lexical.dimension);
    for (const [index, n] of snapshot.df) if (index >= 0 && index < df.length) df[index] = n;
    const d = rows[0]?.length ?? 0;
    const packed = new Float32Array(rows.length * d);
    rows.forEach((v, i) => {
      packed.set(v, i * d);
    });
    const out = await math.hybridVectors({
      features,
      documents: snapshot.documents,
      df,
      semantic: { data: packed, n: rows.length, d },
      lexical: this.lexical,
      lexicalWeight: this.lexicalWeight,
    });
    return Array.from({ length: out.n }, (_, i) => out.data.subarray(i * out.d, (i + 1) * out.d));
  }

  close(): Promise<void> {
    return this.semantic.close?.() ?? Promise.resolve();
  }
}

/** Identifies a text for counting it once: the same text re-embedded is not a new document. */
function fingerprint(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}
