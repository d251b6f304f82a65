import type { ClusteringDeps } from './deps.js';
import type { ItemMove, MoveResult, NewClusterInit } from './ports.js';

/**
 * Reports a run writes per atomic step. A step is one Redis transaction that blocks Redis while it
 * executes (and the calling thread while it is built), so steps stay small.
 */
export const DEFAULT_WRITE_CHUNK = 100;

/**
 * Writes a run's moves in atomic steps of `settings.writeChunk` reports, grouped by target cluster.
 * Each step moves its reports and takes them out of the unclustered set together, so a crash between steps leaves every report
 * either written or still waiting. A new cluster is created by the first step that puts a report
 * into it; pinned reports stay where a human put them. Answers the steps' results together.
 */
export async function writeEngineMoves(
  deps: Pick<ClusteringDeps, 'clusters' | 'settings' | 'now'>,
  projectId: string,
  moves: ItemMove[],
  newClusters: Record<string, NewClusterInit>,
  checkLock: () => void = () => {},
): Promise<MoveResult> {
  const size = Math.max(1, deps.settings.writeChunk ?? DEFAULT_WRITE_CHUNK);
  const created = new Set<string>();
  const touched = new Set<string>();
  const deleted = new Set<string>();
  const out: MoveResult = { moved: [], skipped: [], deletedClusters: [], touchedClusters: [] };
  // By target: a cluster's reports arrive in one or two steps, so its member-sum vector (tens of
  // kilobytes) is read and rewritten about once per round, not once per step.
  const ordered = [...moves].sort((a, b) =>
    (a.to ?? '') < (b.to ?? '') ? -1 : (a.to ?? '') > (b.to ?? '') ? 1 : 0,
  );
  for (let s = 0; s < ordered.length; s += size) {
    checkLock();
    const step = ordered.slice(s, s + size);
    const stepNew: Record<string, NewClusterInit> = {};
    for (const m of step) {
      const init = m.to === null ? undefined : newClusters[m.to];
      if (init && m.to !== null && !created.has(m.to)) stepNew[m.to] = init;
    }
    const result = await deps.clusters.moveItems(projectId, step, {
      newClusters: stepNew,
      respectPins: true,
      dequeue: true,
      now: deps.now(),
    });
    out.moved.push(...result.moved);
    out.skipped.push(...result.skipped);
    for (const id of result.touchedClusters) {
      touched.add(id);
      deleted.delete(id);
      if (stepNew[id]) created.add(id);
    }
    for (const id of result.deletedClusters) {
      deleted.add(id);
      touched.delete(id);
    }
  }
  out.touchedClusters = [...touched];
  out.deletedClusters = [...deleted];
  return out;
}
