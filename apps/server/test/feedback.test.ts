import { keys } from '@fixloop/store';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

interface Item {
  id: string;
  projectId: string;
  source: string;
  externalId?: string;
  title: string;
  body: string;
  url?: string;
  author?: string;
  createdAt: string;
  ingestedAt: string;
  status: 'open' | 'closed';
  clusterId?: string;
  metadata: Record<string, unknown>;
}
interface Page {
  items: Item[];
  nextCursor?: string;
}
type Project = { id: string; apiKey: string };

let ctx: TestContext;
let project: Project;

beforeAll(async () => {
  ctx = await createTestContext();
  project = await ctx.createProject();
});
afterAll(async () => ctx.close());

const redis = () => ctx.runtime.container.redis;

function post(p: Project, payload: unknown): Promise<LightMyRequestResponse> {
  return ctx.request({ method: 'POST', url: '/feedback', token: p.apiKey, payload: payload as object });
}

async function create(p: Project, payload: Record<string, unknown>): Promise<Item> {
  const res = await post(p, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Item>();
}

/** Stores rows through the bulk import (fast set-up of many items); answers their ids in row order. */
async function importRows(p: Project, rows: Array<Record<string, unknown>>): Promise<string[]> {
  const res = await ctx.request({ method: 'POST', url: '/feedback/import', token: p.apiKey, payload: rows });
  expect(res.statusCode, res.body).toBe(200);
  const report = res.json<{ created: number; results: Array<{ id: string }> }>();
  expect(report.created).toBe(rows.length);
  return report.results.map((r) => r.id);
}

function list(p: Project, query: string): Promise<LightMyRequestResponse> {
  return ctx.request({ method: 'GET', url: `/feedback${query}`, token: p.apiKey });
}

/** Follows `nextCursor` to the end; answers every item and the number of pages. */
async function walk(p: Project, query: string, limit: number): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let cursor: string | undefined;
  let pages = 0;
  const sep = query === '' ? '?' : '&';
  do {
    const res = await list(
      p,
      `${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<Page>();
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(1_000);
  } while (cursor !== undefined);
  return { items, pages };
}

function expectNewestFirst(items: Item[]): void {
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1] as Item;
    const cur = items[i] as Item;
    expect(Date.parse(prev.createdAt)).toBeGreaterThanOrEqual(Date.parse(cur.createdAt));
  }
}

/** Every key of the project under `project:{pid}:feedback:`. */
async function feedbackKeys(pid: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis().scan(cursor, 'MATCH', `project:{${pid}}:feedback:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found.sort();
}

describe('POST /feedback', () => {
  it('stores a report once per (source, externalId)', async () => {
    const payload = { title: '  Crash on login  ', body: 'The app crashes', external_id: 'ticket-1' };
    const first = await ctx.request({ method: 'POST', url: '/feedback', token: project.apiKey, payload });
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({
      title: 'Crash on login',
      source: 'manual',
      externalId: 'ticket-1',
      duplicate: false,
      projectId: project.id,
    });
    const again = await ctx.request({ method: 'POST', url: '/feedback', token: project.apiKey, payload });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: created.id, duplicate: true });
  });

  it('answers a duplicate with the stored item, not the new payload', async () => {
    const p = await ctx.createProject();
    const first = await create(p, { title: 'Original', externalId: 'x-1', metadata: { v: 1 } });
    const again = await post(p, {
      title: 'Changed',
      body: 'new body',
      externalId: 'x-1',
      metadata: { v: 2 },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first, duplicate: true });
    expect(await redis().hget(keys.feedback(p.id, first.id), 'title')).toBe('Original');
    expect(await redis().zcard(keys.feedbackCreated(p.id))).toBe(1);
  });

  it('writes every key of the schema in one step, with client createdAt kept and server ingestedAt', async () => {
    const p = await ctx.createProject();
    const before = Date.now();
    const res = await post(p, {
      title: ' Checkout fails ',
      body: '\n Card declined \n',
      externalId: 'T-42',
      url: 'https://example.com/t/42',
      author: 'ana',
      createdAt: '2024-03-01T10:00:00+02:00',
      metadata: { plan: 'pro', n: 2, tags: ['a'] },
      // not client-settable: ignored
      id: 'client-id',
      projectId: 'someone-else',
      ingestedAt: '2000-01-01T00:00:00.000Z',
      clusterId: 'c-1',
    });
    const after = Date.now();
    expect(res.statusCode).toBe(201);
    const item = res.json<Item & { duplicate: boolean }>();
    expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(item).toEqual({
      id: item.id,
      projectId: p.id,
      source: 'manual',
      externalId: 'T-42',
      title: 'Checkout fails',
      body: 'Card declined',
      url: 'https://example.com/t/42',
      author: 'ana',
      createdAt: '2024-03-01T08:00:00.000Z',
      ingestedAt: item.ingestedAt,
      status: 'open',
      metadata: { plan: 'pro', n: 2, tags: ['a'] },
      duplicate: false,
    });
    expect(item.ingestedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(item.ingestedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(item.ingestedAt)).toBeLessThanOrEqual(after);

    // The key names are spelled out here (not built with `keys`): they are the contract.
    const hashKey = `project:{${p.id}}:feedback:${item.id}`;
    const created = `project:{${p.id}}:feedback:created`;
    const bySource = `project:{${p.id}}:feedback:source:manual`;
    const unclustered = `project:{${p.id}}:feedback:unclustered`;
    const external = `project:{${p.id}}:feedback:external:manual:T-42`;
    const r = redis();
    expect(await r.type(hashKey)).toBe('hash');
    expect(await r.hgetall(hashKey)).toEqual({
      id: item.id,
      projectId: p.id,
      source: 'manual',
      externalId: 'T-42',
      title: 'Checkout fails',
      body: 'Card declined',
      url: 'https://example.com/t/42',
      author: 'ana',
      createdAt: '2024-03-01T08:00:00.000Z',
      ingestedAt: item.ingestedAt,
      status: 'open',
      metadata: JSON.stringify({ plan: 'pro', n: 2, tags: ['a'] }),
    });
    const score = String(Date.parse('2024-03-01T08:00:00.000Z'));
    expect(await r.type(created)).toBe('zset');
    expect(await r.zrange(created, 0, -1, 'WITHSCORES')).toEqual([item.id, score]);
    expect(await r.type(bySource)).toBe('zset');
    expect(await r.zrange(bySource, 0, -1, 'WITHSCORES')).toEqual([item.id, score]);
    expect(await r.type(unclustered)).toBe('set');
    expect(await r.smembers(unclustered)).toEqual([item.id]);
    expect(await r.type(external)).toBe('string');
    expect(await r.get(external)).toBe(item.id);
    // No stray keys: the schema's keys plus the store's list of known sources.
    expect(await feedbackKeys(p.id)).toEqual(
      [hashKey, created, bySource, unclustered, external, `project:{${p.id}}:feedback:sources`].sort(),
    );
  });

  it('uses the ingestion time as createdAt when the client gives none', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'No time given' });
    expect(item.createdAt).toBe(item.ingestedAt);
    expect(item.externalId).toBeUndefined();
    expect(await redis().zscore(keys.feedbackCreated(p.id), item.id)).toBe(
      String(Date.parse(item.createdAt)),
    );
    // Without an external id every POST is a new report and no external index is written.
    const second = await create(p, { title: 'No time given' });
    expect(second.id).not.toBe(item.id);
    expect((await feedbackKeys(p.id)).some((k) => k.includes(':feedback:external:'))).toBe(false);
  });

  it('accepts the legacy snake_case names; raw_text becomes the body only when there is no body', async () => {
    const p = await ctx.createProject();
    const legacy = await create(p, {
      external_id: 'legacy-1',
      raw_text: '  Legacy text  ',
      created_at: '2023-12-31T23:30:00-01:00',
    });
    expect(legacy).toMatchObject({
      externalId: 'legacy-1',
      title: '',
      body: 'Legacy text',
      createdAt: '2024-01-01T00:30:00.000Z',
    });
    expect(await redis().get(keys.feedbackExternal(p.id, 'manual', 'legacy-1'))).toBe(legacy.id);

    const both = await create(p, { title: 'T', body: 'the body', raw_text: 'raw' });
    expect(both.body).toBe('the body');

    // camelCase wins over snake_case when both are given.
    const mixed = await create(p, {
      title: 'Mixed',
      externalId: 'camel',
      external_id: 'snake',
      createdAt: '2024-05-05T05:05:05Z',
      created_at: '2020-01-01T00:00:00Z',
    });
    expect(mixed).toMatchObject({ externalId: 'camel', createdAt: '2024-05-05T05:05:05.000Z' });
  });

  it('rejects a report with neither title nor body with 422 and the field path, writing nothing', async () => {
    const p = await ctx.createProject();
    for (const payload of [{ title: '   ', body: '\n\t' }, { raw_text: '  ' }, {}]) {
      const res = await post(p, payload);
      expect(res.statusCode).toBe(422);
      const err = res.json<{ error: { code: string; message: string; details: { issues: unknown[] } } }>();
      expect(err.error.code).toBe('validation_failed');
      expect(err.error.details.issues).toContainEqual({
        path: 'body.title',
        message: 'a report needs a non-empty title or body',
      });
    }
    expect(await feedbackKeys(p.id)).toEqual([]);
  });

  it('rejects wrong types and formats with 422 naming each field', async () => {
    const p = await ctx.createProject();
    const res = await post(p, {
      title: 42,
      source: 'Not A Source',
      url: 'javascript:alert(1)',
      createdAt: 'yesterday',
      status: 'pending',
      metadata: ['not', 'a', 'record'],
    });
    expect(res.statusCode).toBe(422);
    const paths = res
      .json<{ error: { details: { issues: Array<{ path: string }> } } }>()
      .error.details.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.title',
        'body.source',
        'body.url',
        'body.createdAt',
        'body.status',
        'body.metadata',
      ]),
    );
    expect(await feedbackKeys(p.id)).toEqual([]);
  });

  it('keeps a closed report out of the unclustered set', async () => {
    const p = await ctx.createProject();
    const closed = await create(p, { title: 'Old bug', status: 'closed', externalId: 'c-1' });
    expect(closed.status).toBe('closed');
    expect(await redis().hget(keys.feedback(p.id, closed.id), 'status')).toBe('closed');
    expect(await redis().sismember(keys.feedbackUnclustered(p.id), closed.id)).toBe(0);
    expect(await redis().zscore(keys.feedbackCreated(p.id), closed.id)).not.toBeNull();
    expect(await redis().get(keys.feedbackExternal(p.id, 'manual', 'c-1'))).toBe(closed.id);
  });

  it('indexes a custom source and keys idempotency by (source, externalId)', async () => {
    const p = await ctx.createProject();
    const a = await create(p, { title: 'Same id', source: 'zendesk', externalId: '7' });
    const b = await create(p, { title: 'Same id', source: 'intercom', externalId: '7' });
    expect(a.id).not.toBe(b.id);
    expect(await redis().zrange(keys.feedbackSource(p.id, 'zendesk'), 0, -1)).toEqual([a.id]);
    expect(await redis().zrange(keys.feedbackSource(p.id, 'intercom'), 0, -1)).toEqual([b.id]);
    expect(await redis().get(keys.feedbackExternal(p.id, 'zendesk', '7'))).toBe(a.id);
    expect(await redis().get(keys.feedbackExternal(p.id, 'intercom', '7'))).toBe(b.id);
  });

  it('stores exactly one item when twenty identical POSTs race', async () => {
    const p = await ctx.createProject();
    const payload = { title: 'Race', body: 'same report', externalId: 'race-1', source: 'manual' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(p, payload)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array<number>(18).fill(200), 201].sort());
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const ids = new Set(responses.map((r) => r.json<Item>().id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    expect(responses.filter((r) => r.json<{ duplicate: boolean }>().duplicate)).toHaveLength(19);

    const hashes = [];
    for (const k of await feedbackKeys(p.id)) if ((await redis().type(k)) === 'hash') hashes.push(k);
    expect(hashes).toEqual([keys.feedback(p.id, id)]);
    expect(await redis().zcard(keys.feedbackCreated(p.id))).toBe(1);
    expect(await redis().zcard(keys.feedbackSource(p.id, 'manual'))).toBe(1);
    expect(await redis().smembers(keys.feedbackUnclustered(p.id))).toEqual([id]);
  });

  it('acts on the project of the path under /projects/{pid}/feedback', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/feedback`,
      payload: { title: 'Scoped', externalId: 's-1' },
    });
    expect(res.statusCode).toBe(201);
    const item = res.json<Item>();
    expect(item.projectId).toBe(p.id);
    expect(await redis().zrange(keys.feedbackCreated(p.id), 0, -1)).toEqual([item.id]);
    // The same report through the project's own key at the root is a duplicate of it.
    const again = await post(p, { title: 'Scoped', externalId: 's-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json<Item>().id).toBe(item.id);
    const scopedGet = await ctx.request({ method: 'GET', url: `/projects/${p.id}/feedback/${item.id}` });
    expect(scopedGet.statusCode).toBe(200);
    expect(scopedGet.json<Item>().title).toBe('Scoped');
  });
});

describe('GET /feedback', () => {
  let p: Project;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    p = await ctx.createProject();
    const rows = [
      { key: 'm1', title: 'Login CRASH on Android', body: 'it dies', createdAt: '2024-01-01T00:00:01Z' },
      {
        key: 'm2',
        title: 'Slow search',
        body: 'The app crashes sometimes',
        createdAt: '2024-01-01T00:00:02Z',
      },
      {
        key: 'g1',
        title: 'Dark mode',
        body: 'please',
        source: 'github',
        externalId: 'o/r#1',
        createdAt: '2024-01-01T00:00:03Z',
      },
      {
        key: 'g2',
        title: 'Crash in export',
        body: '',
        source: 'github',
        externalId: 'o/r#2',
        status: 'closed',
        createdAt: '2024-01-01T00:00:04Z',
      },
      { key: 'r1', title: 'Nice app', body: 'love it', source: 'reddit', createdAt: '2024-01-01T00:00:05Z' },
    ];
    for (const { key, ...row } of rows) ids[key] = (await create(p, row)).id;
    // What clustering will do: give two items a cluster.
    for (const key of ['m1', 'g1']) {
      await redis().hset(keys.feedback(p.id, ids[key] as string), 'clusterId', 'cluster-1');
    }
  });

  const idsOf = (res: LightMyRequestResponse) => res.json<Page>().items.map((i) => i.id);
  const expectIds = async (query: string, expected: string[]) => {
    const res = await list(p, query);
    expect(res.statusCode, res.body).toBe(200);
    expect(idsOf(res)).toEqual(expected.map((k) => ids[k]));
    expect(res.json<Page>().nextCursor).toBeUndefined();
  };

  it('lists every status by default, newest first', async () => {
    await expectIds('', ['r1', 'g2', 'g1', 'm2', 'm1']);
  });

  it('filters by source', async () => {
    await expectIds('?source=github', ['g2', 'g1']);
    await expectIds('?source=reddit', ['r1']);
    await expectIds('?source=sentry', []);
  });

  it('filters by clustered', async () => {
    await expectIds('?clustered=true', ['g1', 'm1']);
    await expectIds('?clustered=false', ['r1', 'g2', 'm2']);
    const res = await list(p, '?clustered=yes');
    expect(res.statusCode).toBe(422);
  });

  it('filters by status', async () => {
    await expectIds('?status=closed', ['g2']);
    await expectIds('?status=open', ['r1', 'g1', 'm2', 'm1']);
    expect((await list(p, '?status=done')).statusCode).toBe(422);
  });

  it('searches title and body case-insensitively with q', async () => {
    await expectIds('?q=crash', ['g2', 'm2', 'm1']);
    await expectIds('?q=CRASHES', ['m2']);
    await expectIds('?q=%20android%20', ['m1']);
    await expectIds('?q=nothing-like-this', []);
  });

  it('combines filters', async () => {
    await expectIds('?source=github&status=open', ['g1']);
    await expectIds('?q=crash&clustered=false&status=open', ['m2']);
    await expectIds('?source=manual&clustered=true', ['m1']);
  });

  it('bounds limit to 1..200', async () => {
    for (const bad of ['201', '0', '-1', 'abc', '1.5']) {
      const res = await list(p, `?limit=${bad}`);
      expect(res.statusCode, bad).toBe(422);
      expect(
        res.json<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>().error,
      ).toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'querystring.limit' }] } });
    }
    expect((await list(p, '?limit=200')).statusCode).toBe(200);
    const one = await list(p, '?limit=1');
    expect(idsOf(one)).toEqual([ids.r1]);
    expect(one.json<Page>().nextCursor).toEqual(expect.any(String));
  });

  it('rejects a cursor it did not write with 422', async () => {
    for (const bad of [
      'garbage!!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
    ]) {
      const res = await list(p, `?cursor=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(422);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    expect((await list(p, `?cursor=${'x'.repeat(600)}`)).statusCode).toBe(422);
  });
});

describe('GET /feedback pagination', () => {
  it('walks 250 items with many equal createdAt exactly once, newest first', async () => {
    const p = await ctx.createProject();
    // Ten distinct instants, 25 items each: most neighbours tie.
    const rows = Array.from({ length: 250 }, (_, i) => ({
      title: `item ${i}`,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i % 10)).toISOString(),
    }));
    const all = await importRows(p, rows);
    for (const limit of [7, 50, 200]) {
      const { items, pages } = await walk(p, '', limit);
      expect(items).toHaveLength(250);
      expect(new Set(items.map((i) => i.id))).toEqual(new Set(all));
      expect(pages).toBe(Math.ceil(250 / limit));
      expectNewestFirst(items);
    }
    // An exact multiple of the limit: the last full page still has no cursor after it.
    const { items, pages } = await walk(p, '', 125);
    expect(items).toHaveLength(250);
    expect(pages).toBe(2);
    const last = await list(p, '?limit=250');
    expect(last.statusCode).toBe(422);
  });

  it('walks a filtered list exactly once, across many scan batches', async () => {
    const p = await ctx.createProject();
    const rows = Array.from({ length: 250 }, (_, i) => ({
      title: i % 3 === 0 ? `needle ${i}` : `hay ${i}`,
      status: i % 2 === 0 ? 'open' : 'closed',
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i % 4)).toISOString(),
    }));
    const all = await importRows(p, rows);
    const wanted = new Set(all.filter((_, i) => i % 3 === 0 && i % 2 === 0));
    const { items } = await walk(p, '?q=needle&status=open', 9);
    expect(items.map((i) => i.id).sort()).toEqual([...wanted].sort());
    expectNewestFirst(items);
    const closed = await walk(p, '?status=closed', 200);
    expect(closed.items).toHaveLength(125);
    expect(closed.items.every((i) => i.status === 'closed')).toBe(true);
  });

  it('walks one source with its own index', async () => {
    const p = await ctx.createProject();
    const rows = Array.from({ length: 60 }, (_, i) => ({
      title: `s ${i}`,
      source: i % 2 === 0 ? 'reddit' : 'manual',
      createdAt: '2024-02-02T00:00:00Z',
    }));
    const all = await importRows(p, rows);
    const { items } = await walk(p, '?source=reddit', 8);
    expect(items.map((i) => i.id).sort()).toEqual(all.filter((_, i) => i % 2 === 0).sort());
    expect(items.every((i) => i.source === 'reddit')).toBe(true);
  });

  it('loses nothing when the cursor item is deleted mid-walk', async () => {
    const p = await ctx.createProject();
    // All tie on createdAt, so the resume point must be found among equal scores.
    const rows = Array.from({ length: 40 }, (_, i) => ({
      title: `tie ${i}`,
      createdAt: '2024-06-01T12:00:00Z',
    }));
    rows.push(
      { title: 'newest', createdAt: '2024-06-02T00:00:00Z' },
      { title: 'oldest', createdAt: '2024-05-01T00:00:00Z' },
    );
    const all = await importRows(p, rows);
    const seen: string[] = [];
    const deleted: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const res = await list(p, `?limit=6${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      // Every other page, delete the item the cursor points at (the last one returned).
      const lastItem = page.items.at(-1);
      if (cursor && lastItem && round % 2 === 0) {
        const del = await ctx.request({ method: 'DELETE', url: `/feedback/${lastItem.id}`, token: p.apiKey });
        expect(del.statusCode).toBe(204);
        deleted.push(lastItem.id);
      }
      round++;
    } while (cursor !== undefined && round < 100);
    expect(deleted.length).toBeGreaterThan(2);
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen)).toEqual(new Set(all));
  });
});

describe('GET /feedback/{id}', () => {
  it('answers the bare item, or 404', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Find me', metadata: { a: { b: [1, 2] } } });
    const res = await ctx.request({ method: 'GET', url: `/feedback/${item.id}`, token: p.apiKey });
    expect(res.statusCode).toBe(200);
    const { duplicate: _, ...stored } = item as Item & { duplicate?: boolean };
    expect(res.json()).toEqual(stored);
    const missing = await ctx.request({
      method: 'GET',
      url: '/feedback/00000000-0000-4000-8000-000000000000',
      token: p.apiKey,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'not_found', message: 'feedback 00000000-0000-4000-8000-000000000000 not found' },
    });
  });

  it('answers 404, never 500, for ids that name the index keys, and leaves the indexes alone', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Indexed', externalId: 'e:1' });
    const names = ['created', 'unclustered', 'sources', 'source:manual', 'external:manual:e:1'];
    for (const name of names) {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const res = await ctx.request({
          method,
          url: `/feedback/${encodeURIComponent(name)}`,
          token: p.apiKey,
          ...(method === 'PUT' ? { payload: { title: 'overwrite' } } : {}),
        });
        expect(res.statusCode, `${method} ${name}: ${res.body}`).toBe(404);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('not_found');
      }
    }
    expect(await redis().zrange(keys.feedbackCreated(p.id), 0, -1)).toEqual([item.id]);
    expect(await redis().smembers(keys.feedbackUnclustered(p.id))).toEqual([item.id]);
    expect(await redis().get(keys.feedbackExternal(p.id, 'manual', 'e:1'))).toBe(item.id);
    expect(await redis().zrange(keys.feedbackSource(p.id, 'manual'), 0, -1)).toEqual([item.id]);
  });
});

describe('PUT /feedback/{id}', () => {
  const put = (p: Project, id: string, payload: unknown) =>
    ctx.request({ method: 'PUT', url: `/feedback/${id}`, token: p.apiKey, payload: payload as object });

  it('edits title, body, metadata and status and stores them', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Before', body: 'old', metadata: { a: 1 }, externalId: 'e-1' });
    const res = await put(p, item.id, {
      title: '  After  ',
      body: ' new ',
      metadata: { b: [2] },
      status: 'closed',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: item.id,
      projectId: p.id,
      source: 'manual',
      externalId: 'e-1',
      title: 'After',
      body: 'new',
      createdAt: item.createdAt,
      ingestedAt: item.ingestedAt,
      status: 'closed',
      metadata: { b: [2] },
    });
    expect(await redis().hgetall(keys.feedback(p.id, item.id))).toMatchObject({
      title: 'After',
      body: 'new',
      metadata: '{"b":[2]}',
      status: 'closed',
      createdAt: item.createdAt,
    });
    const got = await ctx.request({ method: 'GET', url: `/feedback/${item.id}`, token: p.apiKey });
    expect(got.json()).toEqual(res.json());
  });

  it('sends an open report back to clustering when its text changes, not for metadata alone', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Text', body: 'body' });
    const unclustered = keys.feedbackUnclustered(p.id);
    await redis().srem(unclustered, item.id);

    expect((await put(p, item.id, { metadata: { triaged: true } })).statusCode).toBe(200);
    expect(await redis().sismember(unclustered, item.id)).toBe(0);
    expect((await put(p, item.id, { title: 'Text' })).statusCode).toBe(200);
    expect(await redis().sismember(unclustered, item.id)).toBe(0);

    expect((await put(p, item.id, { body: 'a different body' })).statusCode).toBe(200);
    expect(await redis().sismember(unclustered, item.id)).toBe(1);

    await redis().srem(unclustered, item.id);
    expect((await put(p, item.id, { title: 'New title' })).statusCode).toBe(200);
    expect(await redis().sismember(unclustered, item.id)).toBe(1);
  });

  it('takes a closed report out of clustering and puts it back when reopened', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Status' });
    const unclustered = keys.feedbackUnclustered(p.id);
    expect(await redis().sismember(unclustered, item.id)).toBe(1);
    expect((await put(p, item.id, { status: 'closed' })).json<Item>().status).toBe('closed');
    expect(await redis().sismember(unclustered, item.id)).toBe(0);
    // A text change of a closed report keeps it out.
    expect((await put(p, item.id, { title: 'Edited while closed' })).statusCode).toBe(200);
    expect(await redis().sismember(unclustered, item.id)).toBe(0);
    expect((await put(p, item.id, { status: 'open' })).json<Item>().status).toBe('open');
    expect(await redis().sismember(unclustered, item.id)).toBe(1);
  });

  it('allows emptying one of title and body but not both', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Title', body: 'Body' });
    const cleared = await put(p, item.id, { title: '   ' });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json<Item>()).toMatchObject({ title: '', body: 'Body' });

    const both = await put(p, item.id, { body: ' ' });
    expect(both.statusCode).toBe(422);
    expect(both.json()).toMatchObject({
      error: { code: 'validation_failed', details: { issues: [{ path: 'title' }] } },
    });
    const again = await put(p, item.id, { title: '', body: '' });
    expect(again.statusCode).toBe(422);
    expect(await redis().hgetall(keys.feedback(p.id, item.id))).toMatchObject({ title: '', body: 'Body' });
  });

  it('answers 422 when nothing is given and 404 for an unknown id', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Keep' });
    for (const payload of [{}, { unknownField: 1 }, { title: undefined }]) {
      const res = await put(p, item.id, payload);
      expect(res.statusCode).toBe(422);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    const noBody = await ctx.request({ method: 'PUT', url: `/feedback/${item.id}`, token: p.apiKey });
    expect(noBody.statusCode).toBe(422);
    const badType = await put(p, item.id, { status: 'done', metadata: 'x' });
    expect(badType.statusCode).toBe(422);
    expect((await put(p, 'no-such-id', { title: 'x' })).statusCode).toBe(404);
    expect(await redis().exists(keys.feedback(p.id, 'no-such-id'))).toBe(0);
    expect(await redis().hget(keys.feedback(p.id, item.id), 'title')).toBe('Keep');
  });
});

describe('DELETE /feedback/{id}', () => {
  it('removes the item from every index; the same externalId then makes a fresh item', async () => {
    const p = await ctx.createProject();
    const item = await create(p, { title: 'Delete me', source: 'zendesk', externalId: 'z-9' });
    const other = await create(p, { title: 'Keep me', source: 'zendesk', externalId: 'z-10' });
    await redis().hset(keys.feedback(p.id, item.id), 'clusterId', 'c-1');
    await redis().sadd(keys.clusterItems(p.id, 'c-1'), item.id, other.id);

    const del = await ctx.request({ method: 'DELETE', url: `/feedback/${item.id}`, token: p.apiKey });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');

    const r = redis();
    expect(await r.exists(keys.feedback(p.id, item.id))).toBe(0);
    expect(await r.zscore(keys.feedbackCreated(p.id), item.id)).toBeNull();
    expect(await r.zscore(keys.feedbackSource(p.id, 'zendesk'), item.id)).toBeNull();
    expect(await r.sismember(keys.feedbackUnclustered(p.id), item.id)).toBe(0);
    expect(await r.exists(keys.feedbackExternal(p.id, 'zendesk', 'z-9'))).toBe(0);
    expect(await r.smembers(keys.clusterItems(p.id, 'c-1'))).toEqual([other.id]);
    // The other item is untouched.
    expect(await r.zrange(keys.feedbackCreated(p.id), 0, -1)).toEqual([other.id]);
    expect(await r.get(keys.feedbackExternal(p.id, 'zendesk', 'z-10'))).toBe(other.id);

    for (const method of ['GET', 'DELETE'] as const) {
      const res = await ctx.request({ method, url: `/feedback/${item.id}`, token: p.apiKey });
      expect(res.statusCode).toBe(404);
    }
    const listed = await list(p, '');
    expect(listed.json<Page>().items.map((i) => i.id)).toEqual([other.id]);

    const fresh = await post(p, { title: 'Delete me', source: 'zendesk', externalId: 'z-9' });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json<Item & { duplicate: boolean }>()).toMatchObject({ duplicate: false });
    expect(fresh.json<Item>().id).not.toBe(item.id);
    expect(await r.get(keys.feedbackExternal(p.id, 'zendesk', 'z-9'))).toBe(fresh.json<Item>().id);
  });
});
