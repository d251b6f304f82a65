import type { HybridMath, HybridVectorsInput } from '@fixloop/adapters';
import { type LexicalOptions, type PackedLexicalFeatures, packedLexicalBuffers } from '@fixloop/clustering';
import type { ComputeThread } from './compute-thread.js';

/** The hybrid representation's arithmetic on the clustering compute thread. */
export class ThreadHybridMath implements HybridMath {
  constructor(private readonly thread: ComputeThread) {}

  lexicalFeatures(texts: string[], lexical: LexicalOptions): Promise<PackedLexicalFeatures> {
    return this.thread.call('lexical', { texts, lexical });
  }

  hybridVectors(input: HybridVectorsInput) {
    return this.thread.call('hybrid', input, [
      ...packedLexicalBuffers(input.features),
      input.df.buffer as ArrayBuffer,
      input.semantic.data.buffer as ArrayBuffer,
    ]);
  }
}
