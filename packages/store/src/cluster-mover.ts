import { DomainError, type ItemMove, type MoveOptions, type MoveResult } from '@fixloop/domain';
import type { ChainableCommander, Redis } from 'ioredis';
import { dayOf } from './cluster-codec.js';
import { keys } from './keys.js';
import { addInto, bufferToVector, cohesionOf, vectorToBuffer } from './vector-codec.js';

const MAX_ATTEMPTS = 10;
const HISTORY_MAX = 500;
const TREND_DAYS = 7;

interface ItemState {
  id: string;
  clusterId?: string;
  source: string;
  author?: string;
  day: string;
  createdAt: string;
  pinned: boolean;
  vector: Float32Array | null;
}

interface ClusterDelta {
  id: string;
  isNew: boolean;
  size: number;
  sum: Float32Array | null;
  firstSeenAt?: string;
  lastSeenAt?: string;
  sources: Map<string, number>;
  authors: Map<string, number>;
  days: Map<string, number>;
  added: string[];
  removed: string[];
}

/**
 * Membership changes in one optimistic transaction: the reports, the clusters they leave and join
 * (sizes, member-sum vectors, per-source, per-author and per-day counts), the indexes, the
 * unclustered set and the pins. The keys read are WATCHed on a connection of its own, and calls are
 * serialized, so a concurrent change (a human merge during a run) makes the step start over rather
 * than write on stale state. A report is therefore never in two clusters.
 */
export class ClusterMover {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly tx: Redis) {}

  moveItems(projectId: string, moves: ItemMove[], options: MoveOptions): Promise<MoveResult> {
    const run = async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const result = await this.attempt(projectId, moves, options);
        if (result) return result;
      }
      throw new DomainError('conflict', 'the clusters kept changing during this update; try again');
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async attempt(pid: string, moves: ItemMove[], o: MoveOptions): Promise<MoveResult | null> {
    const r = this.tx;
    const ids = [...new Set(moves.map((m) => m.itemId))];
    if (ids.length === 0) return { moved: [], skipped: [], deletedClusters: [], touchedClusters: [] };
    await r.watch(...ids.map((id) => keys.feedback(pid, id)), keys.feedbackPinned(pid));
    const items = await this.readItems(pid, ids);

    const newIds = new Set(Object.keys(o.newClusters ?? {}));
    const touched = new Set<string>();
    for (const m of moves) {
      const item = items.get(m.itemId);
      if (item?.clusterId) touched.add(item.clusterId);
      if (m.to !== null && !newIds.has(m.to)) touched.add(m.to);
    }
    const clusterIds = [...touched];
    if (clusterIds.length > 0) {
      await r.watch(
        ...clusterIds.flatMap((c) => [
          keys.cluster(pid, c),
          keys.clusterSum(pid, c),
          keys.clusterAuthors(pid, c),
          keys.clusterDays(pid, c),
        ]),
      );
    }
    const deltas = await this.readClusters(pid, clusterIds);
    for (const id of newIds) deltas.set(id, emptyDelta(id, true));

    const result: MoveResult = { moved: [], skipped: [], deletedClusters: [], touchedClusters: [] };
    const multi = r.multi();
    for (const m of moves) this.applyMove(pid, m, items.get(m.itemId), deltas, o, multi, result);

    for (const d of deltas.values()) {
      if (d.added.length === 0 && d.removed.length === 0 && !d.isNew) continue;
      if (d.size <= 0) {
        if (!d.isNew) {
          this.deleteCluster(pid, d.id, multi);
          result.deletedClusters.push(d.id);
        }
        continue;
      }
      this.writeCluster(pid, d, o, multi);
      result.touchedClusters.push(d.id);
    }
    for (const [a, b] of o.apart ?? []) {
      multi.sadd(keys.clusterApart(pid, a), b).sadd(keys.clusterApart(pid, b), a);
    }
    for (const { clusterId, entry } of o.history ?? []) {
      multi.lpush(keys.clusterHistory(pid, clusterId), JSON.stringify(entry));
      multi.ltrim(keys.clusterHistory(pid, clusterId), 0, HISTORY_MAX - 1);
    }
    const done = await multi.exec();
    if (done === null) return null;
    for (const [err] of done) if (err) throw err;
    return result;
  }

  private applyMove(
    pid: string,
    m: ItemMove,
    item: ItemState | undefined,
    deltas: Map<string, ClusterDelta>,
    o: MoveOptions,
    multi: ChainableCommander,
    result: MoveResult,
  ): void {
    if (!item) {
      result.skipped.push({ itemId: m.itemId, reason: 'missing' });
      return;
    }
    let to = m.to;
    const from = item.clusterId;
    if (o.respectPins && item.pinned && from !== undefined && to !== from) {
      // A human placed it: it stays; only a new vector is taken into its cluster's sum.
      to = from;
      result.skipped.push({ itemId: item.id, reason: 'pinned' });
    }
    const target = to === null ? undefined : deltas.get(to);
    if (to !== null && !target) {
      result.skipped.push({ itemId: item.id, reason: 'target_missing' });
      return;
    }
    const vector = m.vector ?? item.vector;
    if (to !== null && !vector) {
      result.skipped.push({ itemId: item.id, reason: 'no_vector' });
      return;
    }
    const source = from === undefined ? undefined : deltas.get(from);
    if (source && item.vector && source.sum) addInto(source.sum, item.vector, -1);
    if (source && to !== from) {
      source.size--;
      bump(source.sources, item.source, -1);
      if (item.author) bump(source.authors, item.author, -1);
      bump(source.days, item.day, -1);
      source.removed.push(item.id);
      multi.srem(keys.clusterItems(pid, source.id), item.id);
    }
    if (target && vector) {
      if (!target.sum) target.sum = new Float32Array(vector.length);
      addInto(target.sum, vector, 1);
      if (to !== from) {
        target.size++;
        bump(target.sources, item.source, 1);
        if (item.author) bump(target.authors, item.author, 1);
        bump(target.days, item.day, 1);
        target.added.push(item.id);
        if (!target.firstSeenAt || item.createdAt < target.firstSeenAt) target.firstSeenAt = item.createdAt;
        if (!target.lastSeenAt || item.createdAt > target.lastSeenAt) target.lastSeenAt = item.createdAt;
        multi.sadd(keys.clusterItems(pid, target.id), item.id);
        multi.hset(keys.feedback(pid, item.id), 'clusterId', target.id);
      } else if (m.vector) {
        // Same cluster, new text: its sum changed, so it counts as touched.
        target.added.push(item.id);
      }
    }
    // Even a cluster whose hash is gone must not keep listing the report.
    if (!source && from !== undefined && to !== from) multi.srem(keys.clusterItems(pid, from), item.id);
    if (to === null && from !== undefined) multi.hdel(keys.feedback(pid, item.id), 'clusterId');
    if (m.vector) multi.hset(keys.feedbackVectors(pid), item.id, vectorToBuffer(m.vector));
    if (o.pin && to !== null) multi.sadd(keys.feedbackPinned(pid), item.id);
    if (to === null) multi.srem(keys.feedbackPinned(pid), item.id);
    if (o.dequeue) multi.srem(keys.feedbackUnclustered(pid), item.id);
    result.moved.push(item.id);
  }

  private writeCluster(pid: string, d: ClusterDelta, o: MoveOptions, multi: ChainableCommander): void {
    const k = keys.cluster(pid, d.id);
    const now = o.now.toISOString();
    if (d.isNew) {
      const init = o.newClusters?.[d.id];
      multi.hset(k, {
        id: d.id,
        projectId: pid,
        title: init?.title ?? '',
        summary: init?.summary ?? '',
        status: init?.status ?? 'new',
        titleSource: 'auto',
        summarySource: 'offline',
        summarizedAtSize: '0',
        terms: '[]',
        createdAt: now,
      });
    }
    const reporters = [...d.authors.values()].filter((n) => n > 0).length;
    multi.hset(k, {
      size: String(d.size),
      reporters: String(reporters),
      cohesion: String(d.sum ? cohesionOf(d.sum, d.size) : 1),
      updatedAt: now,
      ...(d.firstSeenAt ? { firstSeenAt: d.firstSeenAt } : {}),
      ...(d.lastSeenAt ? { lastSeenAt: d.lastSeenAt } : {}),
    });
    multi.hincrby(k, 'version', 1);
    for (const [source, n] of d.sources) multi.hset(k, `src:${source}`, String(Math.max(0, n)));
    writeCounts(multi, keys.clusterAuthors(pid, d.id), d.authors);
    writeCounts(multi, keys.clusterDays(pid, d.id), d.days);
    if (d.sum) multi.set(keys.clusterSum(pid, d.id), vectorToBuffer(d.sum));
    multi.zadd(keys.clustersAll(pid), Date.parse(now), d.id);
    multi.zadd(keys.clustersBySize(pid), d.size, d.id);
    multi.zadd(keys.clustersByTrend(pid), trendScore(d.days, o.now), d.id);
  }

  private deleteCluster(pid: string, id: string, multi: ChainableCommander): void {
    multi.del(
      keys.cluster(pid, id),
      keys.clusterSum(pid, id),
      keys.clusterItems(pid, id),
      keys.clusterAuthors(pid, id),
      keys.clusterDays(pid, id),
      keys.clusterApart(pid, id),
      keys.clusterHistory(pid, id),
    );
    multi
      .zrem(keys.clustersAll(pid), id)
      .zrem(keys.clustersBySize(pid), id)
      .zrem(keys.clustersByTrend(pid), id);
  }

  private async readItems(pid: string, ids: string[]): Promise<Map<string, ItemState>> {
    const p = this.tx.pipeline();
    for (const id of ids) p.hmget(keys.feedback(pid, id), 'id', 'clusterId', 'source', 'author', 'createdAt');
    p.smismember(keys.feedbackPinned(pid), ...ids);
    p.hmgetBuffer(keys.feedbackVectors(pid), ...ids);
    const replies = (await p.exec()) ?? [];
    const pins = replies[ids.length]?.[1] as number[];
    const vectors = replies[ids.length + 1]?.[1] as Array<Buffer | null>;
    const out = new Map<string, ItemState>();
    ids.forEach((id, i) => {
      const [hid, clusterId, source, author, createdAt] = (replies[i]?.[1] ?? []) as Array<string | null>;
      if (!hid) return;
      const state: ItemState = {
        id,
        source: source ?? 'manual',
        createdAt: createdAt ?? '',
        day: dayOf(createdAt ?? ''),
        pinned: pins[i] === 1,
        vector: bufferToVector(vectors[i]),
      };
      if (clusterId) state.clusterId = clusterId;
      if (author) state.author = author;
      out.set(id, state);
    });
    return out;
  }

  private async readClusters(pid: string, ids: string[]): Promise<Map<string, ClusterDelta>> {
    const out = new Map<string, ClusterDelta>();
    if (ids.length === 0) return out;
    const p = this.tx.pipeline();
    for (const id of ids) {
      p.hgetall(keys.cluster(pid, id));
      p.getBuffer(keys.clusterSum(pid, id));
      p.hgetall(keys.clusterAuthors(pid, id));
      p.hgetall(keys.clusterDays(pid, id));
    }
    const replies = (await p.exec()) ?? [];
    ids.forEach((id, i) => {
      const h = replies[4 * i]?.[1] as Record<string, string>;
      if (!h?.id) return;
      const d = emptyDelta(id, false);
      d.size = Number(h.size ?? 0);
      d.sum = bufferToVector(replies[4 * i + 1]?.[1] as Buffer | null);
      if (h.firstSeenAt) d.firstSeenAt = h.firstSeenAt;
      if (h.lastSeenAt) d.lastSeenAt = h.lastSeenAt;
      for (const [f, v] of Object.entries(h)) if (f.startsWith('src:')) d.sources.set(f.slice(4), Number(v));
      for (const [a, n] of Object.entries(replies[4 * i + 2]?.[1] as Record<string, string>))
        d.authors.set(a, Number(n));
      for (const [day, n] of Object.entries(replies[4 * i + 3]?.[1] as Record<string, string>))
        d.days.set(day, Number(n));
      out.set(id, d);
    });
    return out;
  }
}

function emptyDelta(id: string, isNew: boolean): ClusterDelta {
  return {
    id,
    isNew,
    size: 0,
    sum: null,
    sources: new Map(),
    authors: new Map(),
    days: new Map(),
    added: [],
    removed: [],
  };
}

function bump(m: Map<string, number>, key: string, by: number): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

function writeCounts(multi: ChainableCommander, key: string, counts: Map<string, number>): void {
  const keep: string[] = [];
  const drop: string[] = [];
  for (const [k, n] of counts) {
    if (n > 0) keep.push(k, String(n));
    else drop.push(k);
  }
  if (keep.length > 0) multi.hset(key, ...keep);
  if (drop.length > 0) multi.hdel(key, ...drop);
}

/** Reports of the last seven days: what `sort=trend` orders by. */
export function trendScore(days: Map<string, number>, now: Date): number {
  let score = 0;
  for (let i = 0; i < TREND_DAYS; i++)
    score += days.get(dayOf(new Date(now.getTime() - i * 86_400_000).toISOString())) ?? 0;
  return score;
}
