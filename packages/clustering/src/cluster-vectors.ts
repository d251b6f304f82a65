import { agglomerative } from './strategies/agglomerative.js';
import { centroid } from './strategies/centroid.js';
import { vectorLike } from './strategies/vector-like.js';
import type { ClusteringMethod, Labels, Strategy, Vectors } from './types.js';

/** Every strategy by name. */
export const STRATEGIES: Readonly<Record<ClusteringMethod, Strategy>> = {
  agglomerative,
  centroid,
  vector_like: vectorLike,
};

export interface ClusterVectorsOptions {
  /** Default `agglomerative`. */
  method?: ClusteringMethod;
  simThreshold: number;
}

/** Clusters L2-normalized vectors with the named strategy; labels are `0..k-1` by first appearance. */
export function clusterVectors(vectors: Vectors, options: ClusterVectorsOptions): Labels {
  const strategy = STRATEGIES[options.method ?? 'agglomerative'];
  if (!strategy) throw new RangeError(`unknown clustering method: ${String(options.method)}`);
  if (vectors.data.length !== vectors.n * vectors.d) {
    throw new RangeError(
      `vectors: data has ${vectors.data.length} values, not n·d = ${vectors.n * vectors.d}`,
    );
  }
  return strategy.cluster(vectors, { simThreshold: options.simThreshold });
}
