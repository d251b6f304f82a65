import { randomBytes } from 'node:crypto';
import type { FeedbackListQuery, NewFeedback } from '@fixloop/contracts';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { decodeFeedback, encodeFeedback } from './feedback-codec.js';
import { keys } from './keys.js';
import { RedisFeedbackStore } from './redis-feedback-store.js';

let redis: Redis;
let store: RedisFeedbackStore;

beforeAll(() => {
  redis = createRedis(inject('redisUrl'));
  store = new RedisFeedbackStore(redis);
});
afterAll(() => {
  redis.disconnect();
});

const pid = () => `store-${randomBytes(5).toString('hex')}`;

function nf(over: Partial<NewFeedback> = {}): NewFeedback {
  return { source: 'manual', title: 'A report', body: '', status: 'open', metadata: {}, ...over };
}

function query(over: Partial<FeedbackListQuery> = {}): FeedbackListQuery {
  return { limit: 50, ...over };
}

/** Follows cursors to the end; answers every id in order. */
async function walkIds(
  s: RedisFeedbackStore,
  projectId: string,
  q: Partial<FeedbackListQuery>,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let round = 0; round < 1_000; round++) {
    const page = await s.list(projectId, query({ ...q, ...(cursor ? { cursor } : {}) }));
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (cursor === undefined) return ids;
  }
  throw new Error('walk did not end');
}

describe('add', () => {
  it('stores a report with every index and answers the existing one for the same (source, externalId)', async () => {
    const at = new Date('2025-02-03T04:05:06.789Z');
    const s = new RedisFeedbackStore(redis, () => at);
    const p = pid();
    const first = await s.addFeedbackItem(
      p,
      nf({ externalId: 'x', title: 'First', createdAt: '2025-01-01T00:00:00.000Z' }),
    );
    expect(first.outcome).toBe('created');
    expect(first.item).toMatchObject({
      projectId: p,
      title: 'First',
      externalId: 'x',
      createdAt: '2025-01-01T00:00:00.000Z',
      ingestedAt: '2025-02-03T04:05:06.789Z',
    });
    const again = await s.addFeedbackItem(p, nf({ externalId: 'x', title: 'Second' }));
    expect(again).toEqual({ item: first.item, outcome: 'duplicate' });
    expect(await redis.zrange(keys.feedbackCreated(p), 0, -1, 'WITHSCORES')).toEqual([
      first.item.id,
      String(Date.UTC(2025, 0, 1)),
    ]);
    expect(await redis.smembers(keys.feedbackSourcesKnown(p))).toEqual(['manual']);
    expect(await s.get(p, first.item.id)).toEqual(first.item);
  });

  it('creates anew when the external index points at a report that no longer exists', async () => {
    const p = pid();
    const first = await store.addFeedbackItem(p, nf({ externalId: 'stale' }));
    await redis.del(keys.feedback(p, first.item.id));
    const second = await store.addFeedbackItem(p, nf({ externalId: 'stale' }));
    expect(second.outcome).toBe('created');
    expect(second.item.id).not.toBe(first.item.id);
    expect(await redis.get(keys.feedbackExternal(p, 'manual', 'stale'))).toBe(second.item.id);
  });

  it('keeps closed reports out of the unclustered set', async () => {
    const p = pid();
    const { item } = await store.addFeedbackItem(p, nf({ status: 'closed' }));
    expect(await store.countUnclustered(p)).toBe(0);
    expect(await store.get(p, item.id)).toMatchObject({ status: 'closed' });
  });
});

describe('addMany', () => {
  it('answers outcomes in input order, with duplicates inside the batch and across chunks of 500', async () => {
    const p = pid();
    const existing = await store.addFeedbackItem(p, nf({ externalId: 'pre' }));
    const inputs: NewFeedback[] = Array.from({ length: 1_203 }, (_, i) =>
      nf({ title: `r${i}`, externalId: `e${i % 1_100}`, status: i % 7 === 0 ? 'closed' : 'open' }),
    );
    inputs.push(
      nf({ externalId: 'pre' }),
      nf({ title: 'no external id' }),
      nf({ title: 'src', source: 'zendesk' }),
    );
    const out = await store.addFeedbackItems(p, inputs);
    expect(out).toHaveLength(inputs.length);
    for (let i = 0; i < 1_100; i++) expect(out[i]?.outcome).toBe('created');
    // Rows 1100..1202 repeat the external ids of rows 0..102 (some in an earlier chunk).
    for (let i = 1_100; i < 1_203; i++) {
      expect(out[i]).toEqual({ outcome: 'duplicate', id: out[i - 1_100]?.id });
    }
    expect(out[1_203]).toEqual({ outcome: 'duplicate', id: existing.item.id });
    expect(out[1_204]?.outcome).toBe('created');
    expect(out[1_205]?.outcome).toBe('created');
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(1 + 1_100 + 2);
    const closed = inputs.slice(0, 1_100).filter((x) => x.status === 'closed').length;
    expect(await store.countUnclustered(p)).toBe(1 + 1_100 - closed + 2);
    expect(await store.countBySource(p)).toEqual({ manual: 1 + 1_100 + 1, zendesk: 1 });
    const sample = await store.get(p, out[5]?.id as string);
    expect(sample).toMatchObject({ title: 'r5', externalId: 'e5', projectId: p });
    expect(await store.findByExternalId(p, 'manual', 'e5')).toEqual(sample);
  });

  it('does nothing for an empty list', async () => {
    const p = pid();
    expect(await store.addFeedbackItems(p, [])).toEqual([]);
    expect(await redis.exists(keys.feedbackCreated(p))).toBe(0);
  });
});

describe('upsert', () => {
  it('creates, then reports unchanged, updated, closed and reopened, keeping the unclustered set in step', async () => {
    const p = pid();
    const base = nf({
      source: 'github',
      externalId: 'o/r#1',
      title: 'Bug',
      body: 'text',
      url: 'https://x/1',
    });
    const created = await store.upsert(p, { ...base, externalId: 'o/r#1' });
    expect(created.outcome).toBe('created');
    const id = created.item.id;
    const unclustered = keys.feedbackUnclustered(p);

    await redis.srem(unclustered, id);
    const same = await store.upsert(p, { ...base, externalId: 'o/r#1' });
    expect(same.outcome).toBe('unchanged');
    expect(same.item.id).toBe(id);
    expect(await redis.sismember(unclustered, id)).toBe(0);

    const meta = await store.upsert(p, { ...base, externalId: 'o/r#1', metadata: { labels: ['bug'] } });
    expect(meta.outcome).toBe('updated');
    expect(meta.item.metadata).toEqual({ labels: ['bug'] });
    expect(await redis.sismember(unclustered, id)).toBe(0);

    const retitled = await store.upsert(p, { ...base, externalId: 'o/r#1', title: 'Bug, renamed' });
    expect(retitled.outcome).toBe('updated');
    expect(retitled.item.title).toBe('Bug, renamed');
    expect(await redis.sismember(unclustered, id)).toBe(1);

    const closed = await store.upsert(p, { ...base, externalId: 'o/r#1', status: 'closed' });
    expect(closed.item.status).toBe('closed');
    expect(await redis.sismember(unclustered, id)).toBe(0);

    const reopened = await store.upsert(p, { ...base, externalId: 'o/r#1', status: 'open' });
    expect(reopened.outcome).toBe('updated');
    expect(await redis.sismember(unclustered, id)).toBe(1);
    // createdAt and the indexes are untouched by updates.
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(1);
    expect(reopened.item.createdAt).toBe(created.item.createdAt);
  });

  it('upsertMany answers outcome, status and previous status per input', async () => {
    const p = pid();
    const a = { ...nf({ source: 'sentry', title: 'A' }), externalId: 'a' };
    const b = { ...nf({ source: 'sentry', title: 'B' }), externalId: 'b' };
    const first = await store.upsertMany(p, [a, b]);
    expect(first.map((r) => [r.outcome, r.status])).toEqual([
      ['created', 'open'],
      ['created', 'open'],
    ]);
    const second = await store.upsertMany(p, [
      { ...a, status: 'closed' },
      b,
      { ...nf({ source: 'sentry', status: 'closed' }), externalId: 'c' },
    ]);
    expect(second).toEqual([
      { id: first[0]?.id, outcome: 'updated', status: 'closed', previousStatus: 'open' },
      { id: first[1]?.id, outcome: 'unchanged', status: 'open', previousStatus: 'open' },
      { id: expect.any(String), outcome: 'created', status: 'closed' },
    ]);
    expect((await store.getUnclusteredFeedback(p)).map((i) => i.id)).toEqual([first[1]?.id]);
  });
});

describe('get, update, delete', () => {
  it('answers null for unknown ids and for ids that name an index key', async () => {
    const p = pid();
    await store.addFeedbackItem(p, nf({ externalId: 'e' }));
    for (const id of ['missing', 'created', 'unclustered', 'sources', 'source:manual', 'external:manual:e']) {
      expect(await store.get(p, id)).toBeNull();
      expect(await store.update(p, id, { title: 'x' })).toBeNull();
      expect(await store.delete(p, id)).toBe(false);
    }
    expect(await store.findByExternalId(p, 'manual', 'nope')).toBeNull();
    expect(await redis.type(keys.feedbackCreated(p))).toBe('zset');
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(1);
  });

  it('applies a patch atomically, including url and author', async () => {
    const p = pid();
    const { item } = await store.addFeedbackItem(p, nf({ title: 'T', body: 'B' }));
    const updated = await store.update(p, item.id, {
      url: 'https://example.com/x',
      author: 'someone',
      metadata: { k: [1, { n: null }] },
    });
    expect(updated).toEqual({
      ...item,
      url: 'https://example.com/x',
      author: 'someone',
      metadata: { k: [1, { n: null }] },
    });
    expect(await store.get(p, item.id)).toEqual(updated);
  });

  it('removes every index on delete, but not an external index that points at another report', async () => {
    const p = pid();
    const a = await store.addFeedbackItem(p, nf({ source: 'zendesk', externalId: 'shared' }));
    // The external index was re-pointed meanwhile (e.g. by a re-import after a partial cleanup).
    await redis.set(keys.feedbackExternal(p, 'zendesk', 'shared'), 'someone-else');
    expect(await store.delete(p, a.item.id)).toBe(true);
    expect(await redis.get(keys.feedbackExternal(p, 'zendesk', 'shared'))).toBe('someone-else');
    expect(await redis.exists(keys.feedback(p, a.item.id))).toBe(0);
    expect(await redis.zcard(keys.feedbackSource(p, 'zendesk'))).toBe(0);
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(0);
    expect(await store.countUnclustered(p)).toBe(0);
    expect(await store.delete(p, a.item.id)).toBe(false);
  });
});

describe('list', () => {
  it('resumes after a deleted cursor item among equal scores without skipping or repeating', async () => {
    const p = pid();
    const out = await store.addFeedbackItems(
      p,
      Array.from({ length: 30 }, (_, i) => nf({ title: `t${i}`, createdAt: '2025-01-01T00:00:00.000Z' })),
    );
    const all = out.map((o) => o.id);
    const first = await store.list(p, query({ limit: 10 }));
    expect(first.items).toHaveLength(10);
    const cursorItem = first.items.at(-1)?.id as string;
    expect(await store.delete(p, cursorItem)).toBe(true);
    const rest = await walkIds(store, p, { limit: 10, cursor: first.nextCursor as string });
    const seen = [...first.items.map((i) => i.id), ...rest];
    expect(seen).toHaveLength(30);
    expect(new Set(seen)).toEqual(new Set(all));
    // Equal scores come in a fixed order (ids descending), so the order is the unpaged one.
    const unpaged = (await store.list(p, query({ limit: 200 }))).items.map((i) => i.id);
    expect(rest).toEqual(unpaged.slice(9));
  });

  it('answers an empty page after the end and for a cursor past every item', async () => {
    const p = pid();
    const { item } = await store.addFeedbackItem(p, nf({ createdAt: '2025-01-01T00:00:00.000Z' }));
    const beyond = encodeCursor({ score: 0, id: 'zzz' });
    expect(await store.list(p, query({ cursor: beyond }))).toEqual({ items: [] });
    const page = await store.list(p, query({ limit: 1 }));
    expect(page).toEqual({ items: [item] });
    expect(await store.list(pid(), query())).toEqual({ items: [] });
  });

  it('bounds a filtered scan and hands back a cursor to continue from', async () => {
    const p = pid();
    // 2,100 items; only the oldest matches, beyond the 2,000 rows one call scans.
    const inputs = Array.from({ length: 2_100 }, (_, i) =>
      nf({
        title: i === 0 ? 'the needle' : `hay ${i}`,
        createdAt: new Date(Date.UTC(2025, 0, 1) + i).toISOString(),
      }),
    );
    const out = await store.addFeedbackItems(p, inputs);
    const first = await store.list(p, query({ q: 'needle' }));
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await store.list(p, query({ q: 'needle', cursor: first.nextCursor as string }));
    expect(second.items.map((i) => i.id)).toEqual([out[0]?.id]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('throws a validation error for a cursor it did not write', async () => {
    await expect(store.list(pid(), query({ cursor: 'not-a-cursor' }))).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'cursor', message: 'invalid cursor' }] },
    });
  });
});

describe('unclustered and counts', () => {
  it('lists, counts and removes unclustered items', async () => {
    const p = pid();
    const out = await store.addFeedbackItems(p, [
      nf({ title: 'a' }),
      nf({ title: 'b' }),
      nf({ title: 'c', source: 'reddit' }),
    ]);
    const ids = out.map((o) => o.id);
    expect(await store.countUnclustered(p)).toBe(3);
    expect((await store.getUnclusteredFeedback(p)).map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(await store.getUnclusteredFeedback(p, 2)).toHaveLength(2);
    await store.removeFromUnclustered(p, []);
    await store.removeFromUnclustered(p, [ids[0] as string, 'unknown']);
    expect(await store.countUnclustered(p)).toBe(2);
    // An id left in the set after its hash vanished is skipped, not answered as an empty item.
    await redis.del(keys.feedback(p, ids[1] as string));
    expect((await store.getUnclusteredFeedback(p)).map((i) => i.id)).toEqual([ids[2]]);
    expect(await store.countBySource(p)).toEqual({ manual: 2, reddit: 1 });
    expect(await store.countBySource(pid())).toEqual({});
  });
});

describe('codec', () => {
  it('round-trips an item and reads both HGETALL shapes', () => {
    const item = {
      id: 'i',
      projectId: 'p',
      source: 'manual',
      externalId: 'e',
      title: 't',
      body: 'b',
      url: 'https://x',
      author: 'a',
      createdAt: '2025-01-01T00:00:00.000Z',
      ingestedAt: '2025-01-02T00:00:00.000Z',
      status: 'closed' as const,
      clusterId: 'c',
      metadata: { a: [1] },
    };
    const flat = encodeFeedback(item);
    expect(decodeFeedback(flat)).toEqual(item);
    const obj: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) obj[flat[i] as string] = flat[i + 1] as string;
    expect(decodeFeedback(obj)).toEqual(item);
  });

  it('is lenient with damaged hashes and answers null without an id', () => {
    expect(decodeFeedback({})).toBeNull();
    expect(decodeFeedback([])).toBeNull();
    expect(
      decodeFeedback({ id: 'x', metadata: '{broken', clusterId: '', status: 'weird', ingestedAt: 'i' }),
    ).toEqual({
      id: 'x',
      projectId: '',
      source: 'manual',
      title: '',
      body: '',
      createdAt: 'i',
      ingestedAt: 'i',
      status: 'open',
      metadata: {},
    });
    expect(decodeFeedback({ id: 'x', metadata: '[1,2]' })?.metadata).toEqual({});
  });
});

describe('cursor', () => {
  it('round-trips a position and refuses anything else', () => {
    const c = encodeCursor({ score: 1_700_000_000_123, id: 'abc' });
    expect(decodeCursor(c)).toEqual({ score: 1_700_000_000_123, id: 'abc' });
    const b64 = (v: string) => Buffer.from(v, 'utf8').toString('base64url');
    for (const bad of [
      '',
      '%%%',
      b64('{"score":1,"id":"x"}'),
      b64('[1]'),
      b64('["1","x"]'),
      b64('[1,2]'),
      b64(`[1,"${'x'.repeat(201)}"]`),
      b64('[1e999,"x"]'),
    ]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });
});
