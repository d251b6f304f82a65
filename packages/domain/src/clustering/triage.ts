import type { ClusterPatch, HistoryEntry } from '@fixloop/contracts';
import { DomainError, notFound, validationFailed } from '../errors.js';
import type { ClusteringDeps } from './deps.js';
import type { ClusterRecord, ItemMove } from './ports.js';
import { refreshDigests } from './summaries.js';

/** Who made a change, for the history ("engine", an API key id, later a user). */
export type Actor = string;

function entry(
  deps: Pick<ClusteringDeps, 'now'>,
  action: HistoryEntry['action'],
  actor: Actor,
  details: Record<string, unknown>,
): HistoryEntry {
  return { at: deps.now().toISOString(), action, actor, details };
}

/** The cluster's stored record (no members, no vectors); a 404 for an unknown one. */
export async function requireCluster(
  deps: Pick<ClusteringDeps, 'clusters'>,
  projectId: string,
  id: string,
): Promise<ClusterRecord> {
  const c = await deps.clusters.get(projectId, id);
  if (!c) throw notFound('cluster', id);
  return c;
}

/** Renames, re-summarizes or sets the status; a human's title or summary is never overwritten by the engine. */
export async function patchCluster(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
  patch: ClusterPatch,
  actor: Actor,
): Promise<ClusterRecord> {
  const before = await requireCluster(deps, projectId, id);
  let current: ClusterRecord | null = before;
  const steps: Array<[Partial<ClusterRecord>, HistoryEntry]> = [];
  if (patch.title !== undefined && patch.title !== before.title) {
    steps.push([
      { title: patch.title, titleSource: 'human' },
      entry(deps, 'rename', actor, { from: before.title, to: patch.title }),
    ]);
  }
  if (patch.summary !== undefined && patch.summary !== before.summary) {
    steps.push([{ summary: patch.summary, summarySource: 'human' }, entry(deps, 'summary', actor, {})]);
  }
  if (patch.status !== undefined && patch.status !== before.status) {
    steps.push([
      { status: patch.status },
      entry(deps, 'status', actor, { from: before.status, to: patch.status }),
    ]);
  }
  for (const [fields, history] of steps) {
    current = await deps.clusters.updateFields(projectId, id, fields, { now: deps.now(), history });
    if (!current) throw notFound('cluster', id);
  }
  return current;
}

/** Moves every report of `others` into `id` (placed by a human from now on); the emptied clusters go. */
export async function mergeClusters(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
  others: string[],
  actor: Actor,
): Promise<ClusterRecord> {
  const target = await requireCluster(deps, projectId, id);
  const unique = [...new Set(others)].filter((o) => o !== id);
  if (unique.length === 0) throw validationFailed('clusterIds', 'name at least one other cluster');
  const records = await deps.clusters.getMany(projectId, unique);
  const missing = unique.filter((_, i) => !records[i]);
  if (missing.length > 0)
    throw new DomainError('not_found', `clusters not found: ${missing.join(', ')}`, { missing });
  const moves: ItemMove[] = [];
  for (const o of unique)
    for (const itemId of await deps.clusters.memberIds(projectId, o)) moves.push({ itemId, to: id });
  const merged = records.map((r) => ({ id: r?.id, title: r?.title, size: r?.size }));
  await deps.clusters.moveItems(projectId, moves, {
    pin: true,
    now: deps.now(),
    history: [{ clusterId: id, entry: entry(deps, 'merge', actor, { merged }) }],
  });
  if (target.titleSource !== 'human' || target.summarySource !== 'human')
    await refreshDigests(deps, projectId, [id], { force: true });
  return requireCluster(deps, projectId, id);
}

/**
 * Splits the given reports off into a new cluster. A split is a human judgment about both sides:
 * the reports that stay are pinned too, and the two clusters are recorded as apart, so the engine
 * never merges them back nor moves a report of one into the other.
 */
export async function splitCluster(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
  feedbackIds: string[],
  actor: Actor,
): Promise<ClusterRecord> {
  const source = await requireCluster(deps, projectId, id);
  const members = new Set(await deps.clusters.memberIds(projectId, id));
  const ids = [...new Set(feedbackIds)];
  const strangers = ids.filter((f) => !members.has(f));
  if (strangers.length > 0) {
    throw new DomainError('validation_failed', `feedbackIds: not in cluster ${id}: ${strangers.join(', ')}`, {
      issues: [{ path: 'feedbackIds', message: 'every report must belong to this cluster' }],
      notMembers: strangers,
    });
  }
  if (ids.length >= members.size)
    throw validationFailed('feedbackIds', 'leave at least one report in the cluster');
  const newId = deps.newId();
  const first = (await deps.feedback.get(projectId, ids[0] as string))?.title ?? source.title;
  const staying = [...members].filter((m) => !ids.includes(m));
  await deps.clusters.moveItems(
    projectId,
    [...ids.map((itemId) => ({ itemId, to: newId })), ...staying.map((itemId) => ({ itemId, to: id }))],
    {
      newClusters: { [newId]: { title: first, status: source.status === 'new' ? 'new' : 'triaged' } },
      pin: true,
      apart: [[id, newId]],
      now: deps.now(),
      history: [
        { clusterId: id, entry: entry(deps, 'split', actor, { into: newId, feedbackIds: ids }) },
        { clusterId: newId, entry: entry(deps, 'split', actor, { from: id, feedbackIds: ids }) },
      ],
    },
  );
  await refreshDigests(deps, projectId, [newId, id], { force: true });
  return requireCluster(deps, projectId, newId);
}

/** Moves reports from wherever they are into `id`; they are placed by a human from now on. */
export async function moveIntoCluster(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
  feedbackIds: string[],
  actor: Actor,
): Promise<ClusterRecord> {
  await requireCluster(deps, projectId, id);
  const ids = [...new Set(feedbackIds)];
  const items = await deps.feedback.getMany(projectId, ids);
  const missing = ids.filter((_, i) => !items[i]);
  if (missing.length > 0)
    throw new DomainError('not_found', `feedback not found: ${missing.join(', ')}`, { missing });
  const vectors = await deps.clusters.itemVectors(projectId, ids);
  const unembedded = ids.filter((_, i) => !vectors[i]);
  if (unembedded.length > 0) {
    throw new DomainError(
      'conflict',
      'some reports have not been clustered yet; try again after the running job',
      {
        notYetEmbedded: unembedded,
      },
    );
  }
  const from = [
    ...new Set(items.map((i) => i?.clusterId).filter((c): c is string => c !== undefined && c !== id)),
  ];
  await deps.clusters.moveItems(
    projectId,
    ids.map((itemId) => ({ itemId, to: id })),
    {
      pin: true,
      dequeue: true,
      now: deps.now(),
      history: [
        { clusterId: id, entry: entry(deps, 'move', actor, { feedbackIds: ids, from }) },
        ...from.map((c) => ({
          clusterId: c,
          entry: entry(deps, 'move', actor, { feedbackIds: ids, to: id }),
        })),
      ],
    },
  );
  return requireCluster(deps, projectId, id);
}

/**
 * Regenerates the title and summary now. Human-written ones stay unless `replaceHumanEdits`, which
 * hands them back to the engine.
 */
export async function resummarizeCluster(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
  opts: { replaceHumanEdits: boolean },
  actor: Actor,
): Promise<ClusterRecord> {
  const cluster = await requireCluster(deps, projectId, id);
  if (opts.replaceHumanEdits && (cluster.titleSource === 'human' || cluster.summarySource === 'human')) {
    await deps.clusters.updateFields(
      projectId,
      id,
      { titleSource: 'auto', summarySource: 'offline' },
      { now: deps.now(), history: entry(deps, 'summary', actor, { handedBackToEngine: true }) },
    );
  }
  await refreshDigests(deps, projectId, [id], { force: true });
  return requireCluster(deps, projectId, id);
}

export async function clusterHistory(
  deps: ClusteringDeps,
  projectId: string,
  id: string,
): Promise<HistoryEntry[]> {
  await requireCluster(deps, projectId, id);
  return deps.clusters.history(projectId, id);
}
