import type { ItemMove, MoveResult } from '@fixloop/domain';
import { keys } from '../keys.js';
import type { RedisClusterStore } from '../redis-cluster-store.js';
import { convertCluster, type LegacyCluster } from './convert-cluster.js';
import { membersOf } from './legacy-keyspace.js';
import { type MigrationContext, migrationKeys, type Progress } from './migration-context.js';
import { addNote, type KindTally } from './report.js';

/** Members per move transaction (the recluster's chunk). */
const MOVE_CHUNK = 1_000;
/**
 * Legacy reports have no vector, and the store's move path needs one: an empty vector adds
 * nothing to a sum. The finishing step then drops the empty vectors and sums it leaves.
 */
const NO_VECTOR = new Float32Array(0);
/** The representation id that no embedder has: the next clustering run reclusters the project. */
export const LEGACY_REPRESENTATION = 'legacy:none';

/**
 * After the moves: the legacy createdAt and prUrl, and no empty `:sum`, `cohesion` or member
 * vectors (so the cluster reads as "no vectors yet"). KEYS: cluster, sum, feedback vectors.
 * ARGV: createdAt or '' (keep), prUrl or '', member id, … Returns the number of changes, -1 without a cluster.
 */
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local changed = 0
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'createdAt') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[1])
  changed = changed + 1
end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'prUrl') ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'prUrl', ARGV[2])
  changed = changed + 1
end
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('STRLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2])
  changed = changed + 1
end
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('HEXISTS', KEYS[1], 'cohesion') == 1 then
  redis.call('HDEL', KEYS[1], 'cohesion')
  changed = changed + 1
end
for i = 3, #ARGV do
  if redis.call('HEXISTS', KEYS[3], ARGV[i]) == 1 and redis.call('HSTRLEN', KEYS[3], ARGV[i]) == 0 then
    redis.call('HDEL', KEYS[3], ARGV[i])
    changed = changed + 1
  end
end
return changed
`;

/** A member whose report is gone from the new layout (deleted since it was migrated). */
const MISSING = '\u0000missing';

interface MemberState {
  id: string;
  clusterId: string | null;
  title: string;
}

/**
 * Clusters in id order, keeping their ids: members go in through the store's move path (one
 * transaction per chunk: the reports' clusterId, size, per-source, author and day counts, the three
 * indexes, out of `unclustered`), then the legacy fields the move cannot set. A report already in a
 * cluster stays there, so a rerun moves nothing and a crash between chunks resumes where it stopped.
 */
export async function migrateClusters(
  ctx: MigrationContext,
  clusters: RedisClusterStore,
  progress: Progress,
  tally: KindTally,
  markRecluster: () => Promise<void>,
): Promise<void> {
  const { redis, space } = ctx;
  const listed = new Set<string>();
  for (const ix of space.indexes.filter((i) => i.lists === 'clusters')) {
    for (const id of await membersOf(redis, ix.key, ix.type)) listed.add(id);
  }
  const notRecords = space.notRecords.filter((r) => r.kind === 'clusters');
  for (const r of notRecords) tally.skipped.push({ key: r.key, reason: `a ${r.type}, not a hash` });
  const indexOnly = [...listed].filter((id) => !space.clusters.has(id)).sort();
  for (const id of indexOnly)
    tally.skipped.push({ key: `cluster:${id}`, reason: 'listed in clusters:all but has no hash' });
  tally.found = space.clusters.size + notRecords.length + indexOnly.length;

  for (const id of [...space.clusters.keys()].sort()) {
    const entry = space.clusters.get(id) as { hashKeys: string[]; itemKeys: string[] };
    const key = entry.hashKeys[0];
    if (key === undefined) {
      tally.skipped.push({ key: entry.itemKeys[0] as string, reason: 'a member set without a cluster hash' });
      continue;
    }
    if (entry.hashKeys.length > 1)
      addNote(tally, 'the id has hashes in two legacy layouts: the first was used', key);
    const c = convertCluster(await redis.hgetall(key), ctx.now);
    if (!c.ok) {
      tally.skipped.push({ key, reason: c.reason });
      continue;
    }
    for (const n of c.notes) addNote(tally, n, key);
    await migrateOne(
      ctx,
      clusters,
      tally,
      { id, key, itemKeys: entry.itemKeys, cluster: c.value },
      markRecluster,
    );
    await progress.finished('clusters', id);
  }
  await progress.complete('clusters');
}

async function migrateOne(
  ctx: MigrationContext,
  clusters: RedisClusterStore,
  tally: KindTally,
  legacy: { id: string; key: string; itemKeys: string[]; cluster: LegacyCluster },
  markRecluster: () => Promise<void>,
): Promise<void> {
  const { redis, projectId: pid } = ctx;
  const { id, key, cluster } = legacy;
  if ((await redis.sismember(migrationKeys.done('clusters'), id)) === 1) {
    // Finished by an earlier run: what happened to it since (a recluster, a person) stands.
    tally.alreadyThere++;
    ctx.clusters.add(id);
    return;
  }
  const listed = new Set(cluster.listedMembers);
  for (const k of legacy.itemKeys) for (const m of await redis.smembers(k)) listed.add(m);
  const targets = new Set<string>();
  for (const m of [...listed].sort()) {
    const holder = ctx.resolved.get(m);
    if (holder === undefined) addNote(tally, 'a member was not migrated (see feedback): it stays out', key);
    else targets.add(holder);
  }
  const members = await memberStates(ctx, [...targets]);
  const exists = (await redis.exists(keys.cluster(pid, id))) === 1;
  const toMove: string[] = [];
  for (const m of members) {
    if (m.clusterId === null) toMove.push(m.id);
    else if (m.clusterId === MISSING)
      addNote(tally, 'a member was deleted from the new layout: it stays out', key);
    else if (m.clusterId !== id)
      addNote(tally, 'a member is already in another cluster: it stays there', key);
  }
  if (!exists && toMove.length === 0) {
    tally.skipped.push({ key, reason: `no members to migrate (${listed.size} listed)` });
    return;
  }
  ctx.clusters.add(id);
  if (ctx.dryRun) {
    for (const m of toMove) ctx.placed.set(m, id);
    if (exists && toMove.length === 0) tally.alreadyThere++;
    else tally.migrated++;
    return;
  }
  if (toMove.length > 0) await markRecluster();
  const title = cluster.title || firstTitle(members);
  for (let s = 0; s < toMove.length; s += MOVE_CHUNK) {
    const moves: ItemMove[] = toMove
      .slice(s, s + MOVE_CHUNK)
      .map((itemId) => ({ itemId, to: id, vector: NO_VECTOR }));
    const create = s === 0 && !exists;
    const result: MoveResult = await clusters.moveItems(pid, moves, {
      ...(create
        ? { newClusters: { [id]: { title, summary: cluster.summary, status: cluster.status } } }
        : {}),
      respectPins: true,
      // A cluster someone triaged (ignored, fixed, a PR open, …) is a human decision: its members
      // anchor it through the recluster; the engine's own `new` clusters may be regrouped.
      pin: cluster.status !== 'new',
      dequeue: true,
      now: new Date(cluster.updatedAt),
    });
    for (const sk of result.skipped) addNote(tally, `a member was not moved in (${sk.reason})`, key);
    await ctx.afterWrite('clusters', id);
  }
  const changed = (await redis.eval(
    FINISH,
    3,
    keys.cluster(pid, id),
    keys.clusterSum(pid, id),
    keys.feedbackVectors(pid),
    cluster.createdAt ?? '',
    cluster.prUrl ?? '',
    ...members.filter((m) => m.clusterId !== MISSING).map((m) => m.id),
  )) as number;
  if (changed === -1) {
    ctx.clusters.delete(id);
    tally.skipped.push({
      key,
      reason: 'the cluster could not be created (its members were moved meanwhile)',
    });
    return;
  }
  await redis.sadd(migrationKeys.done('clusters'), id);
  if (toMove.length > 0 || changed > 0) {
    tally.migrated++;
    await ctx.afterWrite('clusters', id);
  } else tally.alreadyThere++;
}

async function memberStates(ctx: MigrationContext, ids: string[]): Promise<MemberState[]> {
  if (ids.length === 0) return [];
  const p = ctx.redis.pipeline();
  for (const id of ids) p.hmget(keys.feedback(ctx.projectId, id), 'id', 'clusterId', 'title', 'body');
  const replies = (await p.exec()) ?? [];
  const out: MemberState[] = [];
  ids.forEach((id, i) => {
    const [hid, clusterId, title, body] = (replies[i]?.[1] ?? []) as Array<string | null>;
    // In a dry run the reports this run would write are not there: what it would do stands in.
    const placed = ctx.placed.get(id) ?? null;
    if (hid === null && !ctx.dryRun) out.push({ id, clusterId: MISSING, title: '' });
    else out.push({ id, clusterId: clusterId || placed, title: title || (body ?? '').slice(0, 120) });
  });
  return out;
}

function firstTitle(members: MemberState[]): string {
  return members.find((m) => m.title !== '')?.title ?? '';
}
