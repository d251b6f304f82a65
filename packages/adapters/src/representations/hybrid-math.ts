import {
  hybridVectorsBatch,
  InMemoryTermStats,
  type LexicalOptions,
  lexicalFeaturesOfTexts,
  type PackedLexicalFeatures,
  type Vectors,
} from '@fixloop/clustering';

/** What `hybridVectors` weighs and joins. */
export interface HybridVectorsInput {
  features: PackedLexicalFeatures;
  /** The project's document count and its document frequency per bucket (dense, `lexical.dimension` long). */
  documents: number;
  df: Uint32Array;
  /** One semantic unit vector per row, packed. */
  semantic: Vectors;
  lexical: LexicalOptions;
  lexicalWeight: number;
}

/**
 * The hybrid representation's arithmetic (tokenizing, hashing, weighing, joining: a large batch is
 * hundreds of milliseconds of CPU), behind a port so the composition root can run it on a thread of
 * its own. Callers hand over the buffers they pass: an implementation may transfer them.
 */
export interface HybridMath {
  /** The lexical features of prepared report texts (the title, a newline, the body). */
  lexicalFeatures(texts: string[], lexical: LexicalOptions): Promise<PackedLexicalFeatures>;
  /** The hybrid unit vectors of a batch, packed row after row. */
  hybridVectors(input: HybridVectorsInput): Promise<Vectors>;
}

/** The arithmetic on the calling thread: for tests, tools and evaluation. */
export const inProcessHybridMath: HybridMath = {
  async lexicalFeatures(texts, lexical) {
    return lexicalFeaturesOfTexts(texts, lexical);
  },
  async hybridVectors(input) {
    const stats = InMemoryTermStats.fromCounts(input.documents, input.df);
    return hybridVectorsBatch(input.features, stats, input.semantic, input.lexical, input.lexicalWeight);
  },
};
