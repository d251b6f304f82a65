/** A label per item: any strings or numbers; equal values mean the same group. */
export type LabelArray = ArrayLike<string | number>;

/** The contingency table of two labelings, sparse: only the non-zero cells. O(n). */
export interface Contingency {
  n: number;
  /** Sizes of the true groups. */
  trueSizes: number[];
  /** Sizes of the predicted clusters. */
  predictedSizes: number[];
  /** Sizes of the non-empty intersections. */
  cells: number[];
  /** The true group (index into `trueSizes`) of each cell. */
  cellTrue: number[];
  /** The predicted cluster (index into `predictedSizes`) of each cell. */
  cellPredicted: number[];
}

/** Builds the sparse contingency table of `truth` against `predicted` (equal lengths). O(n). */
export function contingency(truth: LabelArray, predicted: LabelArray): Contingency {
  if (truth.length !== predicted.length) {
    throw new RangeError(`label arrays differ in length: ${truth.length} vs ${predicted.length}`);
  }
  const trueIds = new Map<string | number, number>();
  const predictedIds = new Map<string | number, number>();
  const trueSizes: number[] = [];
  const predictedSizes: number[] = [];
  const cellIds = new Map<number, number>();
  const cells: number[] = [];
  const cellTrue: number[] = [];
  const cellPredicted: number[] = [];
  const n = truth.length;
  for (let i = 0; i < n; i++) {
    const t = idOf(trueIds, truth[i] as string | number, trueSizes);
    const p = idOf(predictedIds, predicted[i] as string | number, predictedSizes);
    // t, p < n, so the key is below n² and exact in a double for n < 9·10^7.
    const key = t * n + p;
    const cell = cellIds.get(key);
    if (cell === undefined) {
      cellIds.set(key, cells.length);
      cells.push(1);
      cellTrue.push(t);
      cellPredicted.push(p);
    } else cells[cell] = (cells[cell] as number) + 1;
  }
  return { n, trueSizes, predictedSizes, cells, cellTrue, cellPredicted };
}

function idOf(ids: Map<string | number, number>, value: string | number, sizes: number[]): number {
  let id = ids.get(value);
  if (id === undefined) {
    id = sizes.length;
    ids.set(value, id);
    sizes.push(0);
  }
  sizes[id] = (sizes[id] as number) + 1;
  return id;
}

const pairs = (k: number): number => (k * (k - 1)) / 2;
const sumPairs = (sizes: number[]): number => sizes.reduce((s, k) => s + pairs(k), 0);

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Pairwise precision (pairs in one predicted cluster that share a true group), recall (pairs
 * sharing a true group that share a predicted cluster) and their F1. With no predicted pairs
 * precision is 1 (nothing was wrongly joined); with no true pairs recall is 1; F1 is 0 when both
 * are 0. O(n) through the contingency table.
 */
export function pairwiseScores(truth: LabelArray, predicted: LabelArray): PairwiseScores {
  const table = contingency(truth, predicted);
  const together = sumPairs(table.cells);
  const predictedPairs = sumPairs(table.predictedSizes);
  const truePairs = sumPairs(table.trueSizes);
  const precision = predictedPairs === 0 ? 1 : together / predictedPairs;
  const recall = truePairs === 0 ? 1 : together / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * Adjusted Rand index as scikit-learn computes it (from the pair confusion matrix, 1 when the
 * partitions agree on every pair), in exact integer arithmetic. O(n).
 */
export function adjustedRandIndex(truth: LabelArray, predicted: LabelArray): number {
  const table = contingency(truth, predicted);
  const tp = BigInt(sumPairs(table.cells));
  const fp = BigInt(sumPairs(table.predictedSizes)) - tp;
  const fn = BigInt(sumPairs(table.trueSizes)) - tp;
  const tn = BigInt(pairs(table.n)) - tp - fp - fn;
  if (fn === 0n && fp === 0n) return 1;
  const numerator = 2n * (tp * tn - fn * fp);
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return Number(numerator) / Number(denominator);
}

export interface VMeasure {
  homogeneity: number;
  completeness: number;
  vMeasure: number;
}

/**
 * Homogeneity, completeness and V-measure (β = 1) as scikit-learn defines them: mutual information
 * over each labeling's entropy (natural logarithms), 1 when that entropy is 0. O(n).
 */
export function vMeasure(truth: LabelArray, predicted: LabelArray): VMeasure {
  const table = contingency(truth, predicted);
  if (table.n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1 };
  const entropyTrue = entropy(table.trueSizes, table.n);
  const entropyPredicted = entropy(table.predictedSizes, table.n);
  const mi = mutualInformation(table);
  const homogeneity = entropyTrue === 0 ? 1 : mi / entropyTrue;
  const completeness = entropyPredicted === 0 ? 1 : mi / entropyPredicted;
  const sum = homogeneity + completeness;
  return { homogeneity, completeness, vMeasure: sum === 0 ? 0 : (2 * homogeneity * completeness) / sum };
}

function entropy(sizes: number[], n: number): number {
  let h = 0;
  for (const k of sizes) if (k > 0) h -= (k / n) * (Math.log(k) - Math.log(n));
  return h;
}

function mutualInformation(table: Contingency): number {
  // Σ p(t, p) · log(p(t, p) / (p(t) · p(p))).
  const { n } = table;
  let mi = 0;
  for (let c = 0; c < table.cells.length; c++) {
    const nij = table.cells[c] as number;
    const a = table.trueSizes[table.cellTrue[c] as number] as number;
    const b = table.predictedSizes[table.cellPredicted[c] as number] as number;
    mi += (nij / n) * (Math.log(nij) + Math.log(n) - Math.log(a) - Math.log(b));
  }
  return Math.max(0, mi);
}
