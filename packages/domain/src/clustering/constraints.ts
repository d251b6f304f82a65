import type { FeedbackItem } from '@fixloop/contracts';
import type { ClusteringDeps } from './deps.js';

/**
 * Indexes of reports the engine wants to put into a cluster that a human split apart from the
 * cluster they are in now: such a move would undo the split, so the engine must not make it.
 */
export async function apartViolations(
  deps: Pick<ClusteringDeps, 'clusters'>,
  projectId: string,
  items: FeedbackItem[],
  wanted: string[],
): Promise<number[]> {
  const current = [...new Set(items.map((i) => i.clusterId).filter((c): c is string => c !== undefined))];
  if (current.length === 0) return [];
  const apart = new Map<string, Set<string>>();
  for (const c of current) apart.set(c, new Set(await deps.clusters.apartFrom(projectId, c)));
  const out: number[] = [];
  items.forEach((item, i) => {
    if (item.clusterId !== undefined && apart.get(item.clusterId)?.has(wanted[i] as string)) out.push(i);
  });
  return out;
}
