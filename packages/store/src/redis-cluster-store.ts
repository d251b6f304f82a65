import type { ClusterListQuery, HistoryEntry } from '@fixloop/contracts';
import type {
  ClusterCentroidRow,
  ClusterPage,
  ClusterRecord,
  ClusterStore,
  ClusterVectorState,
  ItemMove,
  MoveOptions,
  MoveResult,
} from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { dayOf, decodeCluster, statusOf } from './cluster-codec.js';
import { ClusterMover } from './cluster-mover.js';
import { encodeCursor, type Position, positionOf, rankAfter } from './cursor.js';
import { keys } from './keys.js';
import { bufferToVector } from './vector-codec.js';

const SCAN_BATCH = 200;
const SCAN_BATCHES_MAX = 25;

/** Clusters in Redis: a hash each, a binary member-sum vector, member/author/day sets, three indexes. */
export class RedisClusterStore implements ClusterStore {
  private readonly mover: ClusterMover;

  /** `tx` is a connection of its own: transactions WATCH keys on it. */
  constructor(
    private readonly redis: Redis,
    tx: Redis,
  ) {
    this.mover = new ClusterMover(tx);
  }

  async get(projectId: string, id: string): Promise<ClusterRecord | null> {
    return (await this.getMany(projectId, [id]))[0] ?? null;
  }

  async getMany(projectId: string, ids: string[]): Promise<Array<ClusterRecord | null>> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(keys.cluster(projectId, id));
    const replies = (await p.exec()) ?? [];
    return replies.map(([err, h]) => {
      if (err) return null;
      return decodeCluster(h as Record<string, string>);
    });
  }

  /**
   * One of three indexes by sort order (size, last update, reports of the last seven days), newest
   * or largest first, with the same (score, id) cursor as the feedback list. Filters are applied
   * while scanning a bounded number of batches; `sort=size` stops at the first cluster below `minSize`.
   */
  async list(projectId: string, q: ClusterListQuery): Promise<ClusterPage> {
    const index =
      q.sort === 'size'
        ? keys.clustersBySize(projectId)
        : q.sort === 'trend'
          ? keys.clustersByTrend(projectId)
          : keys.clustersAll(projectId);
    let start = 0;
    if (q.cursor !== undefined) {
      start = await rankAfter(this.redis, index, positionOf(q.cursor));
    }
    const needle = q.q?.toLowerCase();
    const items: ClusterRecord[] = [];
    let last: Position | undefined;
    for (let round = 0; round < SCAN_BATCHES_MAX; round++) {
      const flat = await this.redis.zrange(index, start, start + SCAN_BATCH - 1, 'REV', 'WITHSCORES');
      if (flat.length === 0) return { items };
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        ids.push(flat[i] as string);
        scores.push(Number(flat[i + 1]));
      }
      const records = await this.getMany(projectId, ids);
      for (let i = 0; i < ids.length; i++) {
        if (items.length === q.limit) return { items, nextCursor: encodeCursor(last as Position) };
        const r = records[i];
        if (q.sort === 'size' && (scores[i] as number) < (q.minSize ?? 1)) return { items };
        last = { score: scores[i] as number, id: ids[i] as string };
        if (r && matches(r, q, needle)) items.push(r);
      }
      start += ids.length;
      if (ids.length < SCAN_BATCH) return { items };
    }
    return last === undefined ? { items } : { items, nextCursor: encodeCursor(last) };
  }

  async trends(projectId: string, ids: string[], days: number, now: Date): Promise<number[][]> {
    const p = this.redis.pipeline();
    const dayKeys = Array.from({ length: days }, (_, i) =>
      dayOf(new Date(now.getTime() - (days - 1 - i) * 86_400_000).toISOString()),
    );
    for (const id of ids) p.hmget(keys.clusterDays(projectId, id), ...dayKeys);
    const replies = (await p.exec()) ?? [];
    return replies.map(([, v]) => (v as Array<string | null>).map((n) => Number(n ?? 0)));
  }

  memberIds(projectId: string, id: string): Promise<string[]> {
    return this.redis.smembers(keys.clusterItems(projectId, id));
  }

  async memberSample(projectId: string, ids: string[], n: number): Promise<string[][]> {
    if (ids.length === 0) return [];
    const sizes = await this.redis
      .pipeline(ids.map((id) => ['scard', keys.clusterItems(projectId, id)]))
      .exec();
    const p = this.redis.pipeline();
    ids.forEach((id, i) => {
      if (Number(sizes?.[i]?.[1] ?? 0) <= n) p.smembers(keys.clusterItems(projectId, id));
      else p.srandmember(keys.clusterItems(projectId, id), n);
    });
    return ((await p.exec()) ?? []).map(([, v]) => ((v as string[]) ?? []).sort());
  }

  async vectorStates(projectId: string): Promise<ClusterVectorState[]> {
    const ids = await this.redis.zrange(keys.clustersAll(projectId), 0, -1);
    const out: ClusterVectorState[] = [];
    for (let s = 0; s < ids.length; s += 1_000) {
      const chunk = ids.slice(s, s + 1_000);
      const p = this.redis.pipeline();
      for (const id of chunk) {
        p.hget(keys.cluster(projectId, id), 'size');
        p.getBuffer(keys.clusterSum(projectId, id));
      }
      const replies = (await p.exec()) ?? [];
      chunk.forEach((id, i) => {
        const size = Number(replies[2 * i]?.[1] ?? 0);
        const sum = bufferToVector(replies[2 * i + 1]?.[1] as Buffer | null);
        if (size > 0 && sum) out.push({ id, size, sum });
      });
    }
    return out;
  }

  async largestWithSums(projectId: string, minSize: number, limit: number): Promise<ClusterCentroidRow[]> {
    const ids = await this.redis.zrange(
      keys.clustersBySize(projectId),
      '+inf',
      minSize,
      'BYSCORE',
      'REV',
      'LIMIT',
      0,
      limit,
    );
    const out: ClusterCentroidRow[] = [];
    for (let s = 0; s < ids.length; s += 1_000) {
      const chunk = ids.slice(s, s + 1_000);
      const p = this.redis.pipeline();
      for (const id of chunk) {
        p.hmget(keys.cluster(projectId, id), 'title', 'status', 'size');
        p.getBuffer(keys.clusterSum(projectId, id));
      }
      const replies = (await p.exec()) ?? [];
      chunk.forEach((id, i) => {
        const [title, status, size] = (replies[2 * i]?.[1] ?? []) as Array<string | null>;
        const sum = bufferToVector(replies[2 * i + 1]?.[1] as Buffer | null);
        if (sum && Number(size) > 0) {
          out.push({ id, title: title ?? '', status: statusOf(status), size: Number(size), sum });
        }
      });
    }
    return out;
  }

  async sumOf(projectId: string, id: string): Promise<Float32Array | null> {
    return bufferToVector(await this.redis.getBuffer(keys.clusterSum(projectId, id)));
  }

  async itemVectors(projectId: string, itemIds: string[]): Promise<Array<Float32Array | null>> {
    if (itemIds.length === 0) return [];
    const buffers = await this.redis.hmgetBuffer(keys.feedbackVectors(projectId), ...itemIds);
    return buffers.map((b) => bufferToVector(b));
  }

  async pinned(projectId: string, itemIds: string[]): Promise<boolean[]> {
    if (itemIds.length === 0) return [];
    return (await this.redis.smismember(keys.feedbackPinned(projectId), ...itemIds)).map((n) => n === 1);
  }

  moveItems(projectId: string, moves: ItemMove[], options: MoveOptions): Promise<MoveResult> {
    return this.mover.moveItems(projectId, moves, options);
  }

  async updateFields(
    projectId: string,
    id: string,
    fields: Parameters<ClusterStore['updateFields']>[2],
    options: { now: Date; history?: HistoryEntry; ifVersion?: number },
  ): Promise<ClusterRecord | null> {
    const flat: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      flat.push(k, Array.isArray(v) ? JSON.stringify(v) : String(v));
    }
    flat.push('updatedAt', options.now.toISOString());
    const applied = await this.redis.eval(
      UPDATE_FIELDS,
      3,
      keys.cluster(projectId, id),
      keys.clusterHistory(projectId, id),
      keys.clustersAll(projectId),
      id,
      String(options.ifVersion ?? -1),
      options.history ? JSON.stringify(options.history) : '',
      String(options.now.getTime()),
      ...flat,
    );
    if (applied === 0) return null;
    return this.get(projectId, id);
  }

  async history(projectId: string, id: string): Promise<HistoryEntry[]> {
    const raw = await this.redis.lrange(keys.clusterHistory(projectId, id), 0, -1);
    return raw.map((r) => JSON.parse(r) as HistoryEntry);
  }

  apartFrom(projectId: string, id: string): Promise<string[]> {
    return this.redis.smembers(keys.clusterApart(projectId, id));
  }

  getRepresentation(projectId: string): Promise<string | null> {
    return this.redis.hget(keys.clusteringState(projectId), 'representation');
  }

  async setRepresentation(projectId: string, id: string): Promise<void> {
    await this.redis.hset(keys.clusteringState(projectId), 'representation', id);
  }
}

/**
 * Sets fields of an existing cluster, bumps its version and records history, in one step; with
 * `ifVersion` ≥ 0 only when the version is still that one (an engine refresh never overwrites a
 * human edit made meanwhile). KEYS: cluster, history, clusters:all.
 * ARGV: id, ifVersion, history JSON or '', now ms, field, value, ...
 */
const UPDATE_FIELDS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local want = tonumber(ARGV[2])
if want >= 0 and tonumber(redis.call('HGET', KEYS[1], 'version') or '0') ~= want then return 0 end
local args = {}
for i = 5, #ARGV do args[#args + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(args))
redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[3] ~= '' then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, 499)
end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
`;

function matches(r: ClusterRecord, q: ClusterListQuery, needle: string | undefined): boolean {
  if (r.size < (q.minSize ?? 1)) return false;
  if (q.maxSize !== undefined && r.size > q.maxSize) return false;
  if (q.status !== undefined && r.status !== q.status) return false;
  if (needle !== undefined) {
    return (
      r.title.toLowerCase().includes(needle) ||
      r.summary.toLowerCase().includes(needle) ||
      r.terms.some((t) => t.includes(needle))
    );
  }
  return true;
}
