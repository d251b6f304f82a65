import { createHash } from 'node:crypto';
import {
  combineHybrid,
  DEFAULT_HYBRID_LEXICAL_WEIGHT,
  DEFAULT_HYBRID_THRESHOLD,
  DEFAULT_LEXICAL_OPTIONS,
  DEFAULT_SEMANTIC_BODY_CHARS,
  documentFeatures,
  extractLexicalFeatures,
  InMemoryTermStats,
  type LexicalOptions,
  lexicalSpace,
  semanticInput,
  splitReportText,
  weighLexicalFeatures,
} from '@fixloop/clustering';
import type { Embedder, EmbeddingCache, Representation } from '@fixloop/domain';
import { CachedEmbedder } from '../embeddings/cached-embedder.js';

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
    const reports = texts.map(splitReportText);
    const features = reports.map((r) => extractLexicalFeatures(r, this.lexical));
    // Count first, then weigh: a batch's own reports are part of the IDF they are weighed with.
    await this.options.termStats.observe(
      projectId,
      this.space,
      features.map((f, i) => ({
        fingerprint: fingerprint(texts[i] as string),
        features: documentFeatures(f),
      })),
    );
    const stats = new InMemoryTermStats(
      this.lexical.dimension,
      await this.options.termStats.load(projectId, this.space),
    );
    const semantic = await this.semantic.embed(reports.map((r) => semanticInput(r, this.semanticBodyChars)));
    return features.map((f, i) =>
      combineHybrid(
        weighLexicalFeatures(f, stats, this.lexical),
        semantic[i] as Float32Array,
        this.lexicalWeight,
      ),
    );
  }

  close(): Promise<void> {
    return this.semantic.close?.() ?? Promise.resolve();
  }
}

/** Identifies a text for counting it once: the same text re-embedded is not a new document. */
function fingerprint(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}
