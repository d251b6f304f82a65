import { clusterVectors } from './cluster-vectors.js';
import { forEachDotBlock } from './kernel/gram.js';
import { groupsOf } from './labels.js';
import type { ClusteringMethod, Vectors } from './types.js';
import { dot } from './vector.js';

/** An existing cluster as incremental assignment sees it: the sum of its members' unit vectors. */
export interface ClusterState {
  sum: Float32Array;
  size: number;
}

/** Where a new vector goes: an existing cluster (by index) or a new group (by index). */
export type AssignTarget = { existing: number } | { group: number };

export interface AssignIncrementalInput {
  clusters: readonly ClusterState[];
  /** The new items, L2-normalized. */
  vectors: Vectors;
  simThreshold: number;
  /** Strategy for the items no existing cluster takes (default `agglomerative`). */
  method?: ClusteringMethod;
}

export interface IncrementalAssignment {
  /** One target per new vector, in order. */
  targets: AssignTarget[];
  /** Members (indices into `vectors`) of each new group, numbered by first appearance. */
  groups: number[][];
}

/**
 * Assigns a batch of new vectors to existing clusters or new groups, deterministically:
 * 1. each vector joins the existing cluster of highest average-linkage similarity
 *    `dot(v, sum) / size` if that is ≥ the threshold, compared with the state before the batch;
 * 2. the others are clustered among themselves with `method`;
 * 3. a resulting group whose average-linkage similarity `dot(sumG, sumC) / (sizeG·sizeC)` to an
 *    existing cluster is ≥ the threshold merges into the best such cluster.
 * Step 3 compares with the clusters as step 1 left them: against the state before the batch no
 * group can qualify (a group's similarity is the mean of its members', each below the threshold),
 * so only clusters that gained members in step 1 are candidates. All groups see that same state.
 * Ties go to the lowest index. Time O(m·k·d) on the SIMD kernel for m new vectors and k clusters,
 * plus the strategy on the leftovers; memory O((m + k)·d) besides the kernel's bounded tiles.
 */
export function assignIncremental(input: AssignIncrementalInput): IncrementalAssignment {
  const { clusters, vectors, simThreshold } = input;
  const m = vectors.n;
  const d = vectors.d;
  const best = bestExisting(clusters, vectors);
  const joined: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < m; i++) {
    if ((best.score[i] as number) >= simThreshold) joined.push(i);
    else rest.push(i);
  }

  // Step 2: cluster the leftovers among themselves.
  const restVectors: Vectors = { data: new Float32Array(rest.length * d), n: rest.length, d };
  rest.forEach((i, r) => {
    restVectors.data.set(vectors.data.subarray(i * d, (i + 1) * d), r * d);
  });
  const localGroups = groupsOf(clusterVectors(restVectors, { method: input.method, simThreshold }));
  const groupMembers = localGroups.map((members) => members.map((r) => rest[r] as number));

  // Step 3: the clusters that gained members, as they now stand.
  const touched = [...new Set(joined.map((i) => best.index[i] as number))].sort((a, b) => a - b);
  const touchedSums = touched.map((c) => Float32Array.from((clusters[c] as ClusterState).sum));
  const touchedSizes = touched.map((c) => (clusters[c] as ClusterState).size);
  const slot = new Map(touched.map((c, s) => [c, s]));
  for (const i of joined) {
    const s = slot.get(best.index[i] as number) as number;
    addRow(touchedSums[s] as Float32Array, vectors, i);
    touchedSizes[s] = (touchedSizes[s] as number) + 1;
  }
  const groupSums = groupMembers.map((members) => {
    const sum = new Float32Array(d);
    for (const i of members) addRow(sum, vectors, i);
    return sum;
  });
  const mergeInto = new Int32Array(groupMembers.length).fill(-1);
  const mergeScore = new Float64Array(groupMembers.length).fill(Number.NEGATIVE_INFINITY);
  forEachDotBlock({ rows: groupSums, d }, { rows: touchedSums, d }, (block) => {
    for (let r = 0; r < block.rowCount; r++) {
      const g = block.rowStart + r;
      const sizeG = (groupMembers[g] as number[]).length;
      for (let c = 0; c < block.colCount; c++) {
        const s = block.colStart + c;
        const score = (block.dots[r * block.colCount + c] as number) / (sizeG * (touchedSizes[s] as number));
        if (score >= simThreshold && score > (mergeScore[g] as number)) {
          mergeScore[g] = score;
          mergeInto[g] = touched[s] as number;
        }
      }
    }
  });

  const targets: AssignTarget[] = new Array(m);
  for (const i of joined) targets[i] = { existing: best.index[i] as number };
  const groups: number[][] = [];
  groupMembers.forEach((members, g) => {
    const into = mergeInto[g] as number;
    const target: AssignTarget = into >= 0 ? { existing: into } : { group: groups.length };
    if (into < 0) groups.push(members);
    for (const i of members) targets[i] = target;
  });
  return { targets, groups };
}

/**
 * For each vector, the existing cluster of highest `dot(v, sum) / size` (lowest index on a tie,
 * −1 when there is none) and that score; clusters of size 0 are ignored. O(m·k·d) on the kernel.
 */
export function bestExisting(
  clusters: readonly ClusterState[],
  vectors: Vectors,
): { index: Int32Array; score: Float64Array } {
  const index = new Int32Array(vectors.n).fill(-1);
  const score = new Float64Array(vectors.n).fill(Number.NEGATIVE_INFINITY);
  const inverseSize = Float64Array.from(clusters, (c) => (c.size > 0 ? 1 / c.size : Number.NaN));
  const rows = clusters.map((c) => c.sum);
  forEachDotBlock(vectors, { rows, d: vectors.d }, ({ rowStart, rowCount, colStart, colCount, dots }) => {
    // Column tiles arrive in ascending order, so a strict comparison keeps the lowest of equals.
    for (let r = 0; r < rowCount; r++) {
      let bestScore = score[rowStart + r] as number;
      let bestIndex = index[rowStart + r] as number;
      const from = r * colCount;
      for (let c = 0; c < colCount; c++) {
        const s = (dots[from + c] as number) * (inverseSize[colStart + c] as number);
        if (s > bestScore) {
          bestScore = s;
          bestIndex = colStart + c;
        }
      }
      score[rowStart + r] = bestScore;
      index[rowStart + r] = bestIndex;
    }
  });
  return { index, score };
}

/**
 * Mean pairwise cosine similarity of a cluster's members, from the sum of their unit vectors:
 * `(|sum|² − size) / (size·(size − 1))`; 1 for a cluster of one. O(d).
 */
export function cohesion(sum: Float32Array, size: number): number {
  if (size <= 1) return 1;
  return (dot(sum, sum) - size) / (size * (size - 1));
}

/**
 * Average cosine similarity of unit vector `v` to a cluster's members, from their sum; with
 * `member`, `v` is one of them and is left out (1 when it is the only member). O(d).
 */
export function similarityToCluster(
  v: Float32Array,
  sum: Float32Array,
  size: number,
  member = false,
): number {
  if (!member) return size > 0 ? dot(v, sum) / size : Number.NaN;
  if (size <= 1) return 1;
  return (dot(v, sum) - dot(v, v)) / (size - 1);
}

function addRow(target: Float32Array, vectors: Vectors, i: number): void {
  const d = vectors.d;
  for (let x = 0; x < d; x++) target[x] = (target[x] as number) + (vectors.data[i * d + x] as number);
}
