import type { Embedder, EmbeddingCache, Representation } from '@fixloop/domain';
import { CachedEmbedder } from '../embeddings/cached-embedder.js';

/** Gemini embeddings: the seed's threshold, measured there on Gemini vectors (not re-measured offline). */
export const GEMINI_DEFAULT_THRESHOLD = 0.72;
/**
 * OpenAI-compatible embeddings: unmeasured here (no offline model), so Gemini's 0.72 stands in.
 * Any model behind that API has its own scale; tune `CLUSTERING_SIM_THRESHOLD` with the eval script.
 */
export const OPENAI_DEFAULT_THRESHOLD = 0.72;
/** USE-lite alone (`local:use-lite`): its best pairwise-F1 threshold on the dev data (docs/clustering.md). */
export const USE_LITE_DEFAULT_THRESHOLD = 0.85;

export interface EmbedderRepresentationOptions {
  /** Caches vectors by embedder id and text, so nothing is embedded twice. */
  cache?: EmbeddingCache;
  /** The threshold that suits this embedder's vectors. */
  defaultThreshold: number;
}

/** A representation that is one embedder's vector space: texts in, cached unit vectors out. */
export class EmbedderRepresentation implements Representation {
  readonly defaultThreshold: number;
  private readonly embedder: Embedder;

  constructor(embedder: Embedder, options: EmbedderRepresentationOptions) {
    this.embedder = options.cache ? new CachedEmbedder(embedder, options.cache) : embedder;
    this.defaultThreshold = options.defaultThreshold;
  }

  get id(): string {
    return this.embedder.id;
  }

  get dimensions(): number {
    return this.embedder.dimensions;
  }

  vectorize(_projectId: string, texts: string[]): Promise<Float32Array[]> {
    return this.embedder.embed(texts);
  }

  close(): Promise<void> {
    return this.embedder.close?.() ?? Promise.resolve();
  }
}
