import type { HybridVectorsInput } from '@fixloop/adapters';
import {
  assignIncremental,
  type DigestItem,
  hybridVectorsBatch,
  InMemoryTermStats,
  type LexicalOptions,
  lexicalFeaturesOfTexts,
  type OfflineDigest,
  offlineDigest,
  type PackedLexicalFeatures,
  packedLexicalBuffers,
  type Vectors,
} from '@fixloop/clustering';

/** An incremental assignment: existing clusters' member sums and sizes, new unit vectors, packed. */
export interface AssignRequest {
  d: number;
  sums: Float32Array;
  sizes: Float64Array;
  vectors: Float32Array;
  simThreshold: number;
  method: 'agglomerative' | 'centroid' | 'vector_like';
}

/** A cluster's offline digest: its sampled members and the project's document frequencies (dense). */
export interface DigestRequest {
  items: DigestItem[];
  documents: number;
  df: Uint32Array;
  lexical: LexicalOptions;
}

/** What the compute thread does, each with its request and reply. */
export interface ComputeOps {
  /** `targets[i]` ≥ 0: existing cluster `targets[i]`; < 0: new group `−targets[i] − 1`. */
  assign: { request: AssignRequest; reply: { targets: Int32Array; groups: number } };
  lexical: { request: { texts: string[]; lexical: LexicalOptions }; reply: PackedLexicalFeatures };
  hybrid: { request: HybridVectorsInput; reply: Vectors };
  digest: { request: DigestRequest; reply: OfflineDigest };
}
export type ComputeOp = keyof ComputeOps;

/** A reply and the buffers it hands over (transferred, not copied). */
type Handled<K extends ComputeOp> = { reply: ComputeOps[K]['reply']; transfer: ArrayBuffer[] };

const handlers: { [K in ComputeOp]: (request: ComputeOps[K]['request']) => Handled<K> } = {
  assign(r) {
    const k = r.sizes.length;
    const clusters = Array.from({ length: k }, (_, i) => ({
      sum: r.sums.subarray(i * r.d, (i + 1) * r.d),
      size: r.sizes[i] as number,
    }));
    const result = assignIncremental({
      clusters,
      vectors: { data: r.vectors, n: r.vectors.length / r.d, d: r.d },
      simThreshold: r.simThreshold,
      method: r.method,
    });
    const targets = Int32Array.from(result.targets, (t) => ('existing' in t ? t.existing : -(t.group + 1)));
    return { reply: { targets, groups: result.groups.length }, transfer: [targets.buffer] };
  },
  lexical(r) {
    const features = lexicalFeaturesOfTexts(r.texts, r.lexical);
    return { reply: features, transfer: packedLexicalBuffers(features) };
  },
  hybrid(r) {
    const stats = InMemoryTermStats.fromCounts(r.documents, r.df);
    const vectors = hybridVectorsBatch(r.features, stats, r.semantic, r.lexical, r.lexicalWeight);
    return { reply: vectors, transfer: [vectors.data.buffer as ArrayBuffer] };
  },
  digest(r) {
    const corpusStats = InMemoryTermStats.fromCounts(r.documents, r.df);
    return { reply: offlineDigest({ items: r.items, corpusStats, lexical: r.lexical }), transfer: [] };
  },
};

/** Runs one operation of the compute thread (on whatever thread calls it: the thread, or a test). */
export function runComputeOp<K extends ComputeOp>(op: K, request: ComputeOps[K]['request']): Handled<K> {
  return handlers[op](request);
}
