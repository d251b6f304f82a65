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
import { encodeCursor, type Position, positionOf } from './cursor.js';
import { keys } from './keys.js';
import { bufferToVector } from './vector-codec.js';

/** Clusters read per round trip of a filtered list, at most (rounds start smaller and double). */
const SCAN_BATCH = 200;
/** Clusters a filtered list looks at per request unless the store is told otherwise. */
const SCAN_BOUND = 5_000;
/**
 * Member-sum vectors read per round trip. A sum is tens of kilobytes (the offline hybrid's is 18 KB),
 * and a reply is parsed in one go on the event loop: a few megabytes at a time, not tens.
 */
const SUMS_CHUNK = 200;

export interface ClusterStoreOptions {
  /** Clusters a filtered list looks at per request; a page stopped by it has a cursor to go on from. */
  scanBound?: number;
}

/** Reads `n` entries of a list, `offset` entries in, in list order. */
type EntrySource = (offset: number, n: number) => Promise<Position[]>;

/** Clusters in Redis: a hash each, a binary member-sum vector, member/author/day sets, three indexes. */
export class RedisClusterStore implements ClusterStore {
  private readonly mover: ClusterMover;
  private readonly scanBound: number;

  /** `tx` is a connection of its own: transactions WATCH keys on it. */
  constructor(
    private readonly redis: Redis,
    tx: Redis,
    options: ClusterStoreOptions = {},
  ) {
    this.mover = new ClusterMover(tx);
    this.scanBound = Math.max(1, options.scanBound ?? SCAN_BOUND);
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
   * One of three indexes by sort order (size, last update, reports of the last seven days), largest
   * or newest first, with a (score, id) cursor. Size bounds are a rank range of the size index; the
   * other sorts walk their index checking sizes, or order the size range itself when it is the
   * smaller read. Other filters look at `scanBound` clusters per request at most, and a page they
   * stop early still has a cursor: `nextCursor` is absent only when nothing is left to look at.
   */
  async list(projectId: string, q: ClusterListQuery): Promise<ClusterPage> {
    const after = q.cursor === undefined ? undefined : positionOf(q.cursor);
    const bySize = keys.clustersBySize(projectId);
    const minSize = q.minSize ?? 1;
    const maxScore = q.maxSize ?? '+inf';
    if (q.sort === 'size') {
      const [above, through] = await Promise.all([
        q.maxSize === undefined ? 0 : this.redis.zcount(bySize, `(${q.maxSize}`, '+inf'),
        this.redis.zcount(bySize, minSize, '+inf'),
      ]);
      const from = after ? Math.max(above, await this.rankAfter(bySize, after)) : above;
      return this.fill(projectId, q, this.ranks(bySize, from), through - from, false);
    }
    const index = q.sort === 'trend' ? keys.clustersByTrend(projectId) : keys.clustersAll(projectId);
    const sized = minSize > 1 || q.maxSize !== undefined;
    const [total, inRange] = await Promise.all([
      this.redis.zcard(index),
      sized ? this.redis.zcount(bySize, minSize, maxScore) : 0,
    ]);
    // A walk reads about limit × total / inRange entries to fill a page; the range, inRange.
    if (sized && inRange <= this.scanBound && inRange * inRange <= q.limit * total) {
      const ids = await this.redis.zrange(bySize, minSize, maxScore, 'BYSCORE');
      const scores = ids.length === 0 ? [] : await this.redis.zmscore(index, ...ids);
      const entries = ids
        .flatMap((id, i) => (scores[i] == null ? [] : [{ score: Number(scores[i]), id }]))
        .sort(inListOrder);
      const from = after ? firstAfter(entries, after) : 0;
      const read: EntrySource = async (o, n) => entries.slice(from + o, from + o + n);
      return this.fill(projectId, q, read, entries.length - from, false);
    }
    const from = after ? await this.rankAfter(index, after) : 0;
    return this.fill(projectId, q, this.ranks(index, from), total - from, sized);
  }

  /**
   * A page from `length` entries: reads them in rounds until the page is full, the entries run out
   * or, when a filter can pass over entries, `scanBound` entries were read; in the last case the
   * cursor names the last entry read, so the next page goes on from there.
   */
  private async fill(
    projectId: string,
    q: ClusterListQuery,
    read: EntrySource,
    length: number,
    checkSizes: boolean,
  ): Promise<ClusterPage> {
    const needle = q.q?.toLowerCase();
    const filtered = checkSizes || needle !== undefined || q.status !== undefined;
    let end = Math.max(0, length);
    const stop = filtered ? Math.min(end, this.scanBound) : end;
    const items: ClusterRecord[] = [];
    let done = 0;
    let last: Position | undefined;
    for (let round = 0; done < Math.min(end, stop) && items.length < q.limit; round++) {
      const want = filtered ? Math.min(SCAN_BATCH, q.limit * 2 ** round) : q.limit - items.length;
      const n = Math.min(want, Math.min(end, stop) - done);
      const batch = await read(done, n);
      if (batch.length < n) end = done + batch.length;
      const records = await this.recordsOf(projectId, batch, checkSizes ? q : undefined);
      for (const entry of batch) {
        if (items.length === q.limit) break;
        done++;
        last = entry;
        const r = records.get(entry.id);
        if (r && matches(r, q, needle)) items.push(r);
      }
    }
    return done < end && last !== undefined ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  /** Entries of an index by descending rank, starting at `from`. */
  private ranks(index: string, from: number): EntrySource {
    return async (offset, n) => {
      const flat = await this.redis.zrange(index, from + offset, from + offset + n - 1, 'REV', 'WITHSCORES');
      const out: Position[] = [];
      for (let i = 0; i < flat.length; i += 2)
        out.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
      return out;
    };
  }

  /** The clusters of some entries by id; with a query, only those whose size index entry is in its bounds. */
  private async recordsOf(
    projectId: string,
    entries: Position[],
    sizeBounds?: ClusterListQuery,
  ): Promise<Map<string, ClusterRecord>> {
    let ids = entries.map((e) => e.id);
    if (sizeBounds && ids.length > 0) {
      const sizes = await this.redis.zmscore(keys.clustersBySize(projectId), ...ids);
      ids = ids.filter((_, i) => inBounds(Number(sizes[i] ?? 0), sizeBounds));
    }
    const records = await this.getMany(projectId, ids);
    const out = new Map<string, ClusterRecord>();
    ids.forEach((id, i) => {
      const r = records[i];
      if (r) out.set(id, r);
    });
    return out;
  }

  /**
   * The rank (in descending order) right after a position: found by rank while the cluster is still
   * where the position says, by counting once it has moved or gone, so a walk lists each once.
   */
  private async rankAfter(index: string, p: Position): Promise<number> {
    const [score, rank] = await Promise.all([
      this.redis.zscore(index, p.id),
      this.redis.zrevrank(index, p.id),
    ]);
    if (rank !== null && score !== null && Number(score) === p.score) return rank + 1;
    const [above, ties] = await Promise.all([
      this.redis.zcount(index, `(${p.score}`, '+inf'),
      this.redis.zrangebyscore(index, p.score, p.score),
    ]);
    return above + ties.filter((id) => id > p.id).length;
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
    for (let s = 0; s < ids.length; s += SUMS_CHUNK) {
      const chunk = ids.slice(s, s + SUMS_CHUNK);
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
    for (let s = 0; s < ids.length; s += SUMS_CHUNK) {
      const chunk = ids.slice(s, s + SUMS_CHUNK);
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

/** The order of a sorted-set index read with REV: highest score first, ties by id, highest first. */
function inListOrder(a: Position, b: Position): number {
  return b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The index of the first entry after a position in a list in `inListOrder`, or the length. */
function firstAfter(entries: Position[], p: Position): number {
  const i = entries.findIndex((e) => inListOrder(p, e) < 0);
  return i === -1 ? entries.length : i;
}

function inBounds(size: number, q: ClusterListQuery): boolean {
  return size >= (q.minSize ?? 1) && (q.maxSize === undefined || size <= q.maxSize);
}

function matches(r: ClusterRecord, q: ClusterListQuery, needle: string | undefined): boolean {
  if (!inBounds(r.size, q)) return false;
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
