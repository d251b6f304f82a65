import { clusterVectors } from './cluster-vectors.js';
import { type IssueText, prepareIssueTexts } from './text.js';
import type { ClusteringMethod, Vectors } from './types.js';

export interface ClusterIssuesOptions {
  /** Default `agglomerative`. */
  method?: ClusteringMethod;
  simThreshold: number;
  /** Groups smaller than this are singletons (default 2). */
  minClusterSize?: number;
  /** Default 1500. */
  truncateBodyChars?: number;
  /** L2-normalized vectors for the texts, in order (an embedder or representation, injected). */
  embed: (texts: string[]) => Promise<Vectors>;
}

export interface IssueClustering {
  /** Cluster `0..k-1` (numbered by first appearance) per item, −1 for singletons. */
  labels: Int32Array;
  /** Member indices of each cluster, ascending. */
  clusters: number[][];
  /** Indices of the items in no cluster, ascending. */
  singletons: number[];
  /** The texts that were embedded, in input order. */
  texts: string[];
}

/**
 * Prepares the texts, embeds them and clusters the vectors; groups below `minClusterSize` are
 * singletons. The strategy's complexity applies (agglomerative: O(n²·d) time, n²/2 floats).
 */
export async function clusterIssues(
  items: readonly IssueText[],
  options: ClusterIssuesOptions,
): Promise<IssueClustering> {
  const texts = prepareIssueTexts(items, options.truncateBodyChars);
  const vectors = await options.embed(texts);
  if (vectors.n !== texts.length) {
    throw new RangeError(`embed returned ${vectors.n} vectors for ${texts.length} texts`);
  }
  const groups = clusterVectors(vectors, { method: options.method, simThreshold: options.simThreshold });
  return { ...splitByMinSize(groups, options.minClusterSize ?? 2), texts };
}

/**
 * Keeps groups of at least `minClusterSize` members as clusters, renumbered `0..k-1` by first
 * appearance, and marks the members of smaller groups −1. O(n).
 */
export function splitByMinSize(
  groups: Int32Array,
  minClusterSize: number,
): { labels: Int32Array; clusters: number[][]; singletons: number[] } {
  const sizes = new Map<number, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const renumber = new Map<number, number>();
  const labels = new Int32Array(groups.length);
  const clusters: number[][] = [];
  const singletons: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    if ((sizes.get(g) ?? 0) < minClusterSize) {
      labels[i] = -1;
      singletons.push(i);
      continue;
    }
    let label = renumber.get(g);
    if (label === undefined) {
      label = clusters.length;
      renumber.set(g, label);
      clusters.push([]);
    }
    labels[i] = label;
    clusters[label]?.push(i);
  }
  return { labels, clusters, singletons };
}
