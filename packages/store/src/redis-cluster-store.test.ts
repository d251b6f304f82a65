import { randomBytes } from 'node:crypto';
import type { ClusterListQuery, ClusterSort, ClusterStatus, NewFeedback } from '@fixloop/contracts';
import type { ClusterRecord, ItemMove, NewClusterInit } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisClusterStore } from './redis-cluster-store.js';
import { RedisFeedbackStore } from './redis-feedback-store.js';

/** Far fewer than the clusters of two or more reports below, so filtered lists stop at it. */
const BOUND = 50;
const LIMIT = 10;
const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const RARE = 'kerberos';

let redis: Redis;
let tx: Redis;
let store: RedisClusterStore;
const projects: string[] = [];

beforeAll(() => {
  redis = createRedis(inject('redisUrl'));
  tx = createRedis(inject('redisUrl'));
  store = new RedisClusterStore(redis, tx, { scanBound: BOUND });
});
afterAll(async () => {
  for (const p of projects) {
    const found = await redis.keys(`${keys.prefix(p)}*`);
    if (found.length > 0) await redis.del(...found);
  }
  redis.disconnect();
  tx.disconnect();
});

interface Planned {
  id: string;
  title: string;
  size: number;
  status: ClusterStatus;
  /** Days before NOW its reports were made: the rare one's are too old to trend. */
  ageDays: number;
  updatedAt: number;
}

/**
 * 60 clusters of three reports, 20 of two (one of them, last in every sort order, has the rare word
 * in its title) and 25 singletons; every seventh is `fixed`. Written through the real write path.
 */
function plan(): Planned[] {
  const out: Planned[] = [];
  const add = (size: number, title: string, ageDays = 0.5) => {
    const n = out.length;
    out.push({
      id: `c-${String(n).padStart(3, '0')}-${randomBytes(3).toString('hex')}`,
      title,
      size,
      status: n % 7 === 3 ? 'fixed' : 'new',
      ageDays,
      updatedAt: NOW - n * 60_000,
    });
  };
  for (let i = 0; i < 60; i++) add(3, `Export ${i} crashes`);
  for (let i = 0; i < 19; i++) add(2, `Upload ${i} is slow`);
  for (let i = 0; i < 25; i++) add(1, `Odd thing ${i}`);
  add(2, `Login fails with ${RARE} SSO`, 30);
  return out;
}

async function seed(): Promise<{ pid: string; planned: Planned[] }> {
  const pid = `clusters-${randomBytes(5).toString('hex')}`;
  projects.push(pid);
  const planned = plan();
  const inputs: NewFeedback[] = [];
  const targets: string[] = [];
  for (const c of planned) {
    for (let m = 0; m < c.size; m++) {
      inputs.push({
        source: 'manual',
        title: `${c.title} (report ${m})`,
        body: '',
        status: 'open',
        metadata: {},
        createdAt: new Date(NOW - c.ageDays * DAY_MS).toISOString(),
      });
      targets.push(c.id);
    }
  }
  const added = await new RedisFeedbackStore(redis).addFeedbackItems(pid, inputs);
  const newClusters: Record<string, NewClusterInit> = {};
  for (const c of planned) newClusters[c.id] = { title: c.title };
  const moves: ItemMove[] = added.map(({ id }, i) => ({
    itemId: id,
    to: targets[i] as string,
    vector: Float32Array.from([1, i % 3, 0.5]),
  }));
  await store.moveItems(pid, moves, { newClusters, dequeue: true, now: new Date(NOW) });
  for (const c of planned) {
    await store.updateFields(pid, c.id, { status: c.status }, { now: new Date(c.updatedAt) });
  }
  return { pid, planned };
}

function query(over: Partial<ClusterListQuery>): ClusterListQuery {
  return { sort: 'size', limit: LIMIT, ...over };
}

/** Follows cursors from `q.cursor` (or the start) to the end: every page, in order. */
async function walk(pid: string, q: Partial<ClusterListQuery>): Promise<ClusterRecord[][]> {
  const pages: ClusterRecord[][] = [];
  let cursor = q.cursor;
  do {
    const page = await store.list(pid, query({ ...q, cursor }));
    expect(page.items.length).toBeLessThanOrEqual(LIMIT);
    pages.push(page.items);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== undefined);
  return pages;
}

const idsOf = (pages: ClusterRecord[][]) => pages.flat().map((c) => c.id);

/** What a walk must return: the whole index in order (largest score first, ties by id, highest first), filtered. */
async function expected(
  pid: string,
  sort: ClusterSort,
  keep: (c: ClusterRecord) => boolean,
): Promise<string[]> {
  const index =
    sort === 'size'
      ? keys.clustersBySize(pid)
      : sort === 'trend'
        ? keys.clustersByTrend(pid)
        : keys.clustersAll(pid);
  const ids = await redis.zrange(index, 0, -1, 'REV');
  const records = await store.getMany(pid, ids);
  return records.filter((r): r is ClusterRecord => r !== null && keep(r)).map((r) => r.id);
}

const SORTS: ClusterSort[] = ['size', 'recent', 'trend'];

describe('RedisClusterStore.list', () => {
  let pid: string;
  let planned: Planned[];
  beforeAll(async () => {
    ({ pid, planned } = await seed());
  });

  it('seeds as planned: more clusters of two or more than the scan bound, the rare one last in every order', async () => {
    expect(await redis.zcard(keys.clustersAll(pid))).toBe(105);
    expect(await redis.zcount(keys.clustersBySize(pid), 2, '+inf')).toBe(80);
    const rare = planned.at(-1) as Planned;
    for (const index of [keys.clustersBySize(pid), keys.clustersAll(pid), keys.clustersByTrend(pid)]) {
      expect(await redis.zrevrank(index, rare.id)).toBeGreaterThanOrEqual(BOUND);
    }
    expect(await redis.zrevrank(keys.clustersAll(pid), rare.id)).toBe(104);
    expect(await redis.zrevrank(keys.clustersByTrend(pid), rare.id)).toBe(104);
  });

  it('lists the outlier queue by size from the size range: a full first page, every singleton once, in order', async () => {
    const first = await store.list(pid, query({ minSize: 1, maxSize: 1 }));
    expect(first.items).toHaveLength(LIMIT);
    expect(first.items.every((c) => c.size === 1)).toBe(true);
    const pages = await walk(pid, { minSize: 1, maxSize: 1 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const singletons = await expected(pid, 'size', (c) => c.size === 1);
    expect(singletons).toHaveLength(25);
    expect(idsOf(pages)).toEqual(singletons);
  });

  it('lists any size range by size with full pages: sizes 2 to 2, at least 3, exactly 3', async () => {
    for (const [minSize, maxSize] of [
      [2, 2],
      [3, undefined],
      [2, 3],
    ] as const) {
      const pages = await walk(pid, { minSize, maxSize });
      const want = await expected(pid, 'size', (c) => c.size >= minSize && c.size <= (maxSize ?? 99));
      expect(idsOf(pages), `${minSize}..${maxSize}`).toEqual(want);
      expect(pages.slice(0, -1).every((p) => p.length === LIMIT)).toBe(true);
    }
    expect(await store.list(pid, query({ minSize: 4 }))).toEqual({ items: [] });
  });

  it('lists size ranges sorted by update or trend, every match once, in order, whether the range is read or the index walked', async () => {
    // 25 singletons: the range is the smaller read. 80 of two or more: more than the bound, so the index is walked.
    for (const sort of ['recent', 'trend'] as const) {
      for (const [minSize, maxSize] of [
        [1, 1],
        [2, undefined],
        [2, 2],
      ] as const) {
        const pages = await walk(pid, { sort, minSize, maxSize });
        const want = await expected(pid, sort, (c) => c.size >= minSize && c.size <= (maxSize ?? 99));
        expect(idsOf(pages), `${sort} ${minSize}..${maxSize}`).toEqual(want);
      }
      const first = await store.list(pid, query({ sort, minSize: 1, maxSize: 1 }));
      expect(first.items).toHaveLength(LIMIT);
    }
  });

  it('finds a rare search term beyond the scan bound by following nextCursor, in every sort', async () => {
    const rare = planned.at(-1) as Planned;
    for (const sort of SORTS) {
      const first = await store.list(pid, query({ sort, minSize: 2, q: RARE.toUpperCase() }));
      // The bound stopped the scan before the match: an empty page that says there is more.
      expect(first.items, sort).toEqual([]);
      expect(first.nextCursor, sort).toBeDefined();
      const pages = await walk(pid, { sort, minSize: 2, q: RARE });
      expect(idsOf(pages), sort).toEqual([rare.id]);
    }
  });

  it('never ends a filtered walk early: status and search over every sort return exactly the matches', async () => {
    const cases: Array<[Partial<ClusterListQuery>, (c: ClusterRecord) => boolean]> = [
      [{ status: 'fixed' }, (c) => c.status === 'fixed'],
      [{ status: 'fixed', minSize: 2 }, (c) => c.status === 'fixed' && c.size >= 2],
      [{ status: 'fixed', minSize: 1, maxSize: 1 }, (c) => c.status === 'fixed' && c.size === 1],
      [{ q: 'upload', minSize: 2 }, (c) => c.title.toLowerCase().includes('upload')],
      [{ q: 'odd thing 1', minSize: 1, maxSize: 1 }, (c) => c.title.toLowerCase().includes('odd thing 1')],
    ];
    for (const sort of SORTS) {
      for (const [q, keep] of cases) {
        const want = await expected(pid, sort, keep);
        expect(want.length).toBeGreaterThan(0);
        expect(idsOf(await walk(pid, { sort, ...q })), `${sort} ${JSON.stringify(q)}`).toEqual(want);
      }
    }
  });

  it('answers the last page without a cursor, and an unfiltered list page by page without repeats', async () => {
    const all = await walk(pid, { minSize: 1 });
    expect(all.map((p) => p.length)).toEqual([...Array(10).fill(10), 5]);
    expect(new Set(idsOf(all)).size).toBe(105);
    const last = await store.list(pid, query({ minSize: 1, maxSize: 1, limit: 25 }));
    expect(last.items).toHaveLength(25);
    expect(last.nextCursor).toBeUndefined();
  });
});

describe('RedisClusterStore.list cursors while clusters change', () => {
  it('goes on after the position a cursor names when that cluster leaves the range or moves meanwhile', async () => {
    const { pid } = await seed();
    const outliers = await expected(pid, 'size', (c) => c.size === 1);
    const first = await store.list(pid, query({ minSize: 1, maxSize: 1 }));
    const lastShown = first.items.at(-1) as ClusterRecord;
    // The last singleton shown gains a report: it leaves the outlier range, and its rank with it.
    const [item] = await new RedisFeedbackStore(redis).addFeedbackItems(pid, [
      { source: 'manual', title: 'one more', body: '', status: 'open', metadata: {} },
    ]);
    await store.moveItems(
      pid,
      [{ itemId: item?.id as string, to: lastShown.id, vector: Float32Array.from([1, 0, 0]) }],
      { now: new Date(NOW + 1_000) },
    );
    expect((await store.get(pid, lastShown.id))?.size).toBe(2);
    const rest = await walk(pid, { minSize: 1, maxSize: 1, cursor: first.nextCursor });
    expect([...first.items.map((c) => c.id), ...idsOf(rest)]).toEqual(outliers);

    // By update: the cluster a cursor names is updated (to the top) between pages.
    const byUpdate = await expected(pid, 'recent', () => true);
    const page = await store.list(pid, query({ sort: 'recent', minSize: 1 }));
    const named = page.items.at(-1) as ClusterRecord;
    await store.updateFields(pid, named.id, { status: 'triaged' }, { now: new Date(NOW + 60_000) });
    const after = await walk(pid, { sort: 'recent', minSize: 1, cursor: page.nextCursor });
    expect([...page.items.map((c) => c.id), ...idsOf(after)]).toEqual(byUpdate);
  });

  it('rejects a cursor it did not write', async () => {
    await expect(store.list('any', query({ cursor: 'not-a-cursor' }))).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
