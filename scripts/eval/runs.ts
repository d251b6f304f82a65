import {
  adjustedRandIndex,
  assignIncremental,
  type ClusteringMethod,
  type ClusterState,
  clusterVectors,
  pairwiseScores,
  type Vectors,
  vMeasure,
} from '@fixloop/clustering';

/** Scores of one clustering against the labeled groups. */
export interface RunScores {
  precision: number;
  recall: number;
  f1: number;
  ari: number;
  vMeasure: number;
  clusters: number;
  /** Share of reports alone in their cluster. */
  singletonShare: number;
}

/** Scores labels against the true groups. */
export function score(groups: readonly string[], labels: ArrayLike<number>): RunScores {
  const pair = pairwiseScores(groups, labels);
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++)
    sizes.set(labels[i] as number, (sizes.get(labels[i] as number) ?? 0) + 1);
  let alone = 0;
  for (const size of sizes.values()) if (size === 1) alone++;
  return {
    ...pair,
    ari: adjustedRandIndex(groups, labels),
    vMeasure: vMeasure(groups, labels).vMeasure,
    clusters: sizes.size,
    singletonShare: labels.length === 0 ? 0 : alone / labels.length,
  };
}

/** All reports clustered at once. */
export function runBatch(vectors: Vectors, method: ClusteringMethod, simThreshold: number): Int32Array {
  return clusterVectors(vectors, { method, simThreshold });
}

/**
 * Reports streamed in chronological batches through `assignIncremental`, as production does: the
 * state is each cluster's sum of unit vectors and its size. `vectors` are the rows as they were
 * made at their batch's time (the lexical IDF of that moment).
 */
export function runStreamed(
  vectors: Vectors,
  method: ClusteringMethod,
  simThreshold: number,
  batchSize: number,
): Int32Array {
  const { n, d } = vectors;
  const clusters: ClusterState[] = [];
  const labels = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const batch: Vectors = { data: vectors.data.subarray(start * d, (start + m) * d), n: m, d };
    const { targets, groups } = assignIncremental({ clusters, vectors: batch, simThreshold, method });
    const created = groups.map(() => {
      clusters.push({ sum: new Float32Array(d), size: 0 });
      return clusters.length - 1;
    });
    targets.forEach((target, i) => {
      const c = 'existing' in target ? target.existing : (created[target.group] as number);
      const cluster = clusters[c] as ClusterState;
      const row = batch.data.subarray(i * d, (i + 1) * d);
      for (let k = 0; k < d; k++) cluster.sum[k] = (cluster.sum[k] as number) + (row[k] as number);
      cluster.size++;
      labels[start + i] = c;
    });
  }
  return labels;
}

/** `from:to:step` → the thresholds, rounded to 3 decimals. */
export function parseThresholds(spec: string): number[] {
  const [from, to, step] = spec.split(':').map(Number);
  if (from === undefined || to === undefined || step === undefined || !(step > 0) || !(to >= from)) {
    throw new RangeError(`--thresholds wants from:to:step, got ${spec}`);
  }
  const out: number[] = [];
  for (let t = from; t <= to + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}
