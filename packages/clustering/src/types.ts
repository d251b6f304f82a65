/** Row-major matrix of `n` vectors of dimension `d`; rows are L2-normalized unless said otherwise. */
export interface Vectors {
  data: Float32Array;
  n: number;
  d: number;
}

/** The clustering strategies; `agglomerative` is the default. */
export const CLUSTERING_METHODS = ['agglomerative', 'centroid', 'vector_like'] as const;
export type ClusteringMethod = (typeof CLUSTERING_METHODS)[number];

/** Labels per input row: `0..k-1`, numbered in order of first appearance. */
export type Labels = Int32Array;

export interface StrategyOptions {
  /** Cosine similarity a merge or join needs (distance threshold = 1 − simThreshold). */
  simThreshold: number;
}

/** A clustering strategy over L2-normalized vectors. */
export interface Strategy {
  readonly name: ClusteringMethod;
  cluster(vectors: Vectors, options: StrategyOptions): Labels;
}
