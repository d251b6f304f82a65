import { prepareIssueTexts } from '@fixloop/clustering';
import type { FeedbackItem } from '@fixloop/contracts';
import { apartViolations } from './constraints.js';
import type { ClusteringDeps } from './deps.js';
import { thresholdOf } from './deps.js';
import type { ItemMove, NewClusterInit } from './ports.js';
import type { Stats } from './run.js';
import { refreshDigests } from './summaries.js';
import { writeEngineMoves } from './write-moves.js';

/** Reports read per round trip: a larger reply is parsed in one go on the event loop. */
const READ_CHUNK = 250;

/**
 * Re-runs everything from scratch, with what humans decided as fixed points: reports a human placed
 * stay where they are and anchor their clusters; every other open report is re-embedded and assigned
 * (to an anchor, or into new groups) by the same algorithm as incremental runs. New groups take the
 * id of the old cluster they overlap most (each old id once), so cluster identities survive.
 */
export async function reclusterAll(
  deps: ClusteringDeps,
  projectId: string,
  stats: Stats,
  checkLock: () => void,
): Promise<void> {
  const items: FeedbackItem[] = [];
  const ids = await deps.feedback.allIds(projectId);
  for (let s = 0; s < ids.length; s += READ_CHUNK) {
    for (const item of await deps.feedback.getMany(projectId, ids.slice(s, s + READ_CHUNK))) {
      // Held reports stay out of clustering until billing releases them.
      if (item && item.status === 'open' && !item.held) items.push(item);
    }
  }
  const vectors: Float32Array[] = [];
  for (let s = 0; s < items.length; s += deps.settings.batchSize) {
    checkLock();
    const batch = items.slice(s, s + deps.settings.batchSize);
    vectors.push(
      ...(await deps.representation.vectorize(
        projectId,
        prepareIssueTexts(batch, deps.settings.truncateBodyChars),
      )),
    );
  }
  const pins = await deps.clusters.pinned(
    projectId,
    items.map((i) => i.id),
  );

  // Anchors: the clusters of human-placed reports, with sums from their fresh vectors.
  const anchorIndex = new Map<string, number>();
  const anchors: Array<{ id: string; sum: Float32Array; size: number }> = [];
  const free: number[] = [];
  items.forEach((item, i) => {
    if (!pins[i] || !item.clusterId) {
      free.push(i);
      return;
    }
    const v = vectors[i] as Float32Array;
    let a = anchorIndex.get(item.clusterId);
    if (a === undefined) {
      a = anchors.length;
      anchorIndex.set(item.clusterId, a);
      // Sized by the vectors themselves: a representation may not know its size before its first
      // call, and with every text cached there is none.
      anchors.push({ id: item.clusterId, sum: new Float32Array(v.length), size: 0 });
    }
    const anchor = anchors[a] as { sum: Float32Array; size: number };
    for (let k = 0; k < anchor.sum.length; k++) anchor.sum[k] = (anchor.sum[k] as number) + (v[k] as number);
    anchor.size++;
  });

  checkLock();
  const { targets, groups } = await deps.engine.assign({
    clusters: anchors.map((a) => ({ sum: a.sum, size: a.size })),
    vectors: free.map((i) => vectors[i] as Float32Array),
    simThreshold: thresholdOf(deps),
    method: deps.settings.method,
  });

  const groupIds = mapGroupsToOldIds(
    groups,
    targets.map((t, j) =>
      'group' in t ? { group: t.group, old: items[free[j] as number]?.clusterId } : null,
    ),
    new Set(anchors.map((a) => a.id)),
    deps.newId,
  );
  const newClusters: Record<string, NewClusterInit> = {};
  const existing = new Set(items.map((i) => i.clusterId).filter((c): c is string => c !== undefined));
  const wanted = free.map((_, j) => {
    const t = targets[j] as (typeof targets)[number];
    return 'existing' in t ? (anchors[t.existing] as { id: string }).id : (groupIds[t.group] as string);
  });
  // Never into a cluster a human split away from the report's current one.
  for (const j of await apartViolations(
    deps,
    projectId,
    free.map((i) => items[i] as FeedbackItem),
    wanted,
  )) {
    wanted[j] = deps.newId();
  }
  const moves: ItemMove[] = [];
  free.forEach((i, j) => {
    const to = wanted[j] as string;
    const item = items[i] as FeedbackItem;
    if (!existing.has(to) && !newClusters[to])
      newClusters[to] = { title: item.title || item.body.slice(0, 120) };
    moves.push({ itemId: item.id, to, vector: vectors[i] as Float32Array });
  });
  // Pinned reports keep their cluster; their fresh vectors still go into its sum.
  items.forEach((item, i) => {
    if (pins[i] && item.clusterId)
      moves.push({ itemId: item.id, to: item.clusterId, vector: vectors[i] as Float32Array });
  });

  const result = await writeEngineMoves(deps, projectId, moves, newClusters, checkLock);
  const touched = new Set(result.touchedClusters);
  stats.clustered += result.moved.length;
  stats.newClusters = Object.keys(newClusters).filter((id) => touched.has(id)).length;
  stats.updatedClusters = touched.size - stats.newClusters;
  const touchedIds = [...touched];
  stats.singletons = 0;
  for (let s = 0; s < touchedIds.length; s += READ_CHUNK) {
    const sizes = await deps.clusters.getMany(projectId, touchedIds.slice(s, s + READ_CHUNK));
    stats.singletons += sizes.filter((c) => c !== null && c.size < deps.settings.minClusterSize).length;
  }
  await refreshDigests(deps, projectId, touchedIds, { force: true });
}

/** Each new group takes the old cluster id most of its reports had (greedy by overlap, each id once). */
export function mapGroupsToOldIds(
  groups: number,
  members: Array<{ group: number; old: string | undefined } | null>,
  reserved: Set<string>,
  newId: () => string,
): string[] {
  const overlap = new Map<string, number>();
  for (const m of members) {
    if (!m || m.old === undefined || reserved.has(m.old)) continue;
    const k = `${m.group}\u0000${m.old}`;
    overlap.set(k, (overlap.get(k) ?? 0) + 1);
  }
  const ranked = [...overlap.entries()]
    .map(([k, n]) => {
      const [g, old] = k.split('\u0000') as [string, string];
      return { group: Number(g), old, n };
    })
    .sort((a, b) => b.n - a.n || a.group - b.group || a.old.localeCompare(b.old));
  const ids: Array<string | undefined> = Array.from({ length: groups }, () => undefined);
  const used = new Set<string>();
  for (const { group, old } of ranked) {
    if (ids[group] !== undefined || used.has(old)) continue;
    ids[group] = old;
    used.add(old);
  }
  return ids.map((id) => id ?? newId());
}
