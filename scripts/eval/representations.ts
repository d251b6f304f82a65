import {
  EmbedderRepresentation,
  HYBRID_LOCAL_DEFAULT_THRESHOLD,
  HybridLocalRepresentation,
  InMemoryProjectTermStats,
  USE_LITE_DEFAULT_THRESHOLD,
} from '@fixloop/adapters';
import {
  type ClusteringMethod,
  DEFAULT_LEXICAL_OPTIONS,
  semanticInput,
  splitReportText,
  toVectors,
  type Vectors,
  vectorizeTfidfBaseline,
} from '@fixloop/clustering';
import type { Embedder, Representation } from '@fixloop/domain';

export const EVAL_REPRESENTATIONS = ['tfidf-baseline', 'lexical', 'use-lite', 'local'] as const;
export type EvalRepresentation = (typeof EVAL_REPRESENTATIONS)[number];
export const METHODS: readonly ClusteringMethod[] = ['agglomerative', 'centroid', 'vector_like'];

/** Knobs for tuning; unset means the shipped defaults. */
export interface HybridKnobs {
  lexicalWeight?: number;
  titleWeight?: number;
  dimension?: number;
  semanticBodyChars?: number;
}

export interface BuiltVectors {
  /** Every report vectorized at once (the IDF of the whole file). */
  batch: Vectors;
  /** Reports vectorized batch by batch in file order (the IDF of each moment); absent for the baseline. */
  streamed?: Vectors;
  defaultThreshold?: number;
}

/** A stand-in semantic channel of no dimensions: the hybrid with it is the lexical channel alone. */
const noSemantic: Embedder = {
  id: 'none',
  dimensions: 0,
  embed: async (texts) => texts.map(() => new Float32Array(0)),
};

/** Builds one representation's vectors for the prepared texts. */
export async function buildVectors(
  name: EvalRepresentation,
  texts: readonly string[],
  semantic: Embedder,
  batchSize: number,
  knobs: HybridKnobs,
): Promise<BuiltVectors> {
  switch (name) {
    case 'tfidf-baseline':
      return { batch: vectorizeTfidfBaseline([...texts]) };
    case 'use-lite': {
      const rep = new EmbedderRepresentation(semantic, { defaultThreshold: USE_LITE_DEFAULT_THRESHOLD });
      const inputs = texts.map((t) => semanticInput(splitReportText(t), knobs.semanticBodyChars ?? 0));
      const batch = toVectors(await rep.vectorize('eval', inputs));
      return { batch, streamed: batch, defaultThreshold: rep.defaultThreshold };
    }
    case 'lexical':
    case 'local': {
      const make = (): Representation =>
        new HybridLocalRepresentation({
          termStats: new InMemoryProjectTermStats(),
          embedder: name === 'local' ? semantic : noSemantic,
          lexical: {
            ...DEFAULT_LEXICAL_OPTIONS,
            ...(knobs.dimension ? { dimension: knobs.dimension } : {}),
            ...(knobs.titleWeight !== undefined ? { titleWeight: knobs.titleWeight } : {}),
          },
          lexicalWeight: name === 'local' ? knobs.lexicalWeight : 1,
          semanticBodyChars: knobs.semanticBodyChars,
        });
      const batchRep = make();
      const batch = toVectors(await batchRep.vectorize('eval', [...texts]));
      const streamRep = make();
      const rows: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        rows.push(...(await streamRep.vectorize('eval', texts.slice(start, start + batchSize))));
      }
      return {
        batch,
        streamed: toVectors(rows),
        defaultThreshold: name === 'local' ? batchRep.defaultThreshold : undefined,
      };
    }
  }
}

/** The default threshold shipped for a representation, where there is one. */
export function shippedThreshold(name: EvalRepresentation): number | undefined {
  if (name === 'local') return HYBRID_LOCAL_DEFAULT_THRESHOLD;
  if (name === 'use-lite') return USE_LITE_DEFAULT_THRESHOLD;
  return undefined;
}
