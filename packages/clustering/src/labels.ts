import type { Labels } from './types.js';

/** Renumbers arbitrary integer ids as `0..k-1` in order of first appearance. */
export function relabelByFirstAppearance(ids: ArrayLike<number>): Labels {
  const labels = new Int32Array(ids.length);
  const seen = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    let label = seen.get(id);
    if (label === undefined) {
      label = seen.size;
      seen.set(id, label);
    }
    labels[i] = label;
  }
  return labels;
}

/** Member indices of each label `0..k-1`, in ascending order. */
export function groupsOf(labels: Labels): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0) continue;
    let group = groups[label];
    if (!group) {
      group = [];
      groups[label] = group;
    }
    group.push(i);
  }
  return groups;
}
