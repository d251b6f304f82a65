import { Readable } from 'node:stream';
import { keys } from '@fixloop/store';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

interface RowResult {
  index: number;
  status: 'created' | 'duplicate' | 'rejected';
  id?: string;
  error?: { code: string; message: string; details?: { issues: Array<{ path: string; message: string }> } };
}
interface Report {
  created: number;
  duplicates: number;
  rejected: number;
  results: RowResult[];
}
type Project = { id: string; apiKey: string };

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const redis = () => ctx.runtime.container.redis;
const NDJSON = { 'content-type': 'application/x-ndjson' };

function importJson(c: TestContext, p: Project, payload: unknown): Promise<LightMyRequestResponse> {
  return c.request({ method: 'POST', url: '/feedback/import', token: p.apiKey, payload: payload as object });
}

function importNdjson(
  c: TestContext,
  p: Project,
  payload: InjectOptions['payload'],
): Promise<LightMyRequestResponse> {
  return c.request({ method: 'POST', url: '/feedback/import', token: p.apiKey, headers: NDJSON, payload });
}

function report(res: LightMyRequestResponse): Report {
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Report>();
}

const count = (pid: string) => redis().zcard(keys.feedbackCreated(pid));

describe('POST /feedback/import (JSON)', () => {
  it('imports a JSON array and reports every row', async () => {
    const p = await ctx.createProject();
    const r = report(
      await importJson(ctx, p, [
        { title: ' One ', externalId: 'a', createdAt: '2024-01-01T00:00:00Z' },
        { external_id: 'b', raw_text: 'Two from legacy', created_at: '2024-01-02T01:00:00+01:00' },
        { title: 'Three', status: 'closed', source: 'zendesk' },
      ]),
    );
    expect(r).toEqual({
      created: 3,
      duplicates: 0,
      rejected: 0,
      results: [
        { index: 0, status: 'created', id: expect.any(String) },
        { index: 1, status: 'created', id: expect.any(String) },
        { index: 2, status: 'created', id: expect.any(String) },
      ],
    });
    const [a, b, c] = r.results.map((x) => x.id as string) as [string, string, string];
    expect(new Set([a, b, c]).size).toBe(3);
    const rd = redis();
    expect(await rd.hgetall(keys.feedback(p.id, a))).toMatchObject({
      title: 'One',
      externalId: 'a',
      createdAt: '2024-01-01T00:00:00.000Z',
      projectId: p.id,
    });
    expect(await rd.hgetall(keys.feedback(p.id, b))).toMatchObject({
      title: '',
      body: 'Two from legacy',
      externalId: 'b',
      createdAt: '2024-01-02T00:00:00.000Z',
    });
    expect(await rd.zscore(keys.feedbackCreated(p.id), a)).toBe(String(Date.UTC(2024, 0, 1)));
    expect(await rd.zscore(keys.feedbackCreated(p.id), b)).toBe(String(Date.UTC(2024, 0, 2)));
    expect(await rd.get(keys.feedbackExternal(p.id, 'manual', 'a'))).toBe(a);
    expect(await rd.get(keys.feedbackExternal(p.id, 'manual', 'b'))).toBe(b);
    expect(await rd.zrange(keys.feedbackSource(p.id, 'zendesk'), 0, -1)).toEqual([c]);
    // The closed row is stored but not queued for clustering.
    expect((await rd.smembers(keys.feedbackUnclustered(p.id))).sort()).toEqual([a, b].sort());
  });

  it('accepts {items: [...]}', async () => {
    const p = await ctx.createProject();
    const r = report(await importJson(ctx, p, { items: [{ title: 'x' }, { body: 'y' }] }));
    expect(r).toMatchObject({ created: 2, duplicates: 0, rejected: 0 });
    expect(await count(p.id)).toBe(2);
  });

  it('rejects bad rows with their reason and stores the others', async () => {
    const p = await ctx.createProject();
    const r = report(
      await importJson(ctx, p, [
        { title: 'good 0' },
        42,
        'a string',
        null,
        [{ title: 'nested array' }],
        { title: '  ', body: '' },
        { title: 5, status: 'weird' },
        { title: 'bad\u0000nul' },
        { title: 'good 8', externalId: 'g8' },
      ]),
    );
    expect(r.created).toBe(2);
    expect(r.rejected).toBe(7);
    expect(r.duplicates).toBe(0);
    expect(r.results.map((x) => x.status)).toEqual([
      'created',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'created',
    ]);
    r.results.forEach((x, i) => {
      expect(x.index).toBe(i);
    });
    for (const i of [1, 2, 3, 4]) {
      expect(r.results[i]).toEqual({
        index: i,
        status: 'rejected',
        error: { code: 'validation_failed', message: 'each row must be a JSON object' },
      });
    }
    expect(r.results[5]).toEqual({
      index: 5,
      status: 'rejected',
      error: {
        code: 'validation_failed',
        message: 'title: a report needs a non-empty title or body',
        details: { issues: [{ path: 'title', message: 'a report needs a non-empty title or body' }] },
      },
    });
    const typed = r.results[6]?.error?.details?.issues.map((i) => i.path);
    expect(typed).toEqual(expect.arrayContaining(['title', 'status']));
    expect(r.results[7]?.error?.details?.issues).toEqual([
      { path: 'title', message: 'must not contain NUL characters' },
    ]);
    for (const x of r.results) expect(x.status === 'rejected' ? x.id : x.error).toBeUndefined();
    const ids = (await redis().zrange(keys.feedbackCreated(p.id), 0, -1)).sort();
    expect(ids).toEqual([r.results[0]?.id, r.results[8]?.id].sort());
  });

  it('reports duplicates within one import and across imports', async () => {
    const p = await ctx.createProject();
    const rows = [
      { title: 'A', externalId: 'dup-1' },
      { title: 'B', externalId: 'dup-2' },
      { title: 'A again', externalId: 'dup-1' },
      { title: 'no external id' },
      { title: 'A other source', externalId: 'dup-1', source: 'zendesk' },
    ];
    const first = report(await importJson(ctx, p, rows));
    expect(first).toMatchObject({ created: 4, duplicates: 1, rejected: 0 });
    expect(first.results[2]).toEqual({ index: 2, status: 'duplicate', id: first.results[0]?.id });
    expect(first.results[4]?.id).not.toBe(first.results[0]?.id);
    expect(await redis().hget(keys.feedback(p.id, first.results[0]?.id as string), 'title')).toBe('A');

    const second = report(await importJson(ctx, p, rows));
    expect(second).toMatchObject({ created: 1, duplicates: 4, rejected: 0 });
    expect(second.results.map((x) => x.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'created',
      'duplicate',
    ]);
    for (const i of [0, 1, 2, 4]) expect(second.results[i]?.id).toBe(first.results[i]?.id);
    expect(await count(p.id)).toBe(5);
  });

  it('answers an empty import with zeros and rejects bodies that are not a list', async () => {
    const p = await ctx.createProject();
    expect(report(await importJson(ctx, p, []))).toEqual({
      created: 0,
      duplicates: 0,
      rejected: 0,
      results: [],
    });
    for (const payload of [{}, { items: 5 }, { rows: [] }]) {
      const res = await importJson(ctx, p, payload);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        error: { code: 'validation_failed', details: { issues: [{ path: 'body' }] } },
      });
    }
    for (const raw of ['"text"', '7', 'null']) {
      const res = await ctx.request({
        method: 'POST',
        url: '/feedback/import',
        token: p.apiKey,
        headers: { 'content-type': 'application/json' },
        payload: raw,
      });
      expect(res.statusCode, raw).toBe(422);
    }
    const none = await ctx.request({ method: 'POST', url: '/feedback/import', token: p.apiKey });
    expect(none.statusCode).toBe(422);
    expect(await count(p.id)).toBe(0);
  });

  it('refuses 10,001 rows with 413 and writes nothing', async () => {
    const p = await ctx.createProject();
    await importJson(ctx, p, [{ title: 'already there' }]);
    expect(await count(p.id)).toBe(1);
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ title: `r${i}` }));
    const res = await importJson(ctx, p, rows);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'an import holds at most 10000 reports',
        details: { maxItems: 10_000 },
      },
    });
    const wrapped = await importJson(ctx, p, { items: rows });
    expect(wrapped.statusCode).toBe(413);
    expect(await count(p.id)).toBe(1);
    expect(await unclusteredCount(p.id)).toBe(1);
  });

  it('answers malformed JSON with 400 and another content type with 415', async () => {
    const p = await ctx.createProject();
    const bad = await ctx.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'content-type': 'application/json' },
      payload: '[{"title": "x"},',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('invalid_json');
    const text = await ctx.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'content-type': 'text/csv' },
      payload: 'title\nx\n',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json<{ error: { code: string } }>().error.code).toBe('unsupported_media_type');
    expect(await count(p.id)).toBe(0);
  });

  it('imports into the project of the path under /projects/{pid}', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/feedback/import`,
      payload: [{ title: 'scoped import' }],
    });
    const r = report(res);
    expect(r.created).toBe(1);
    expect(await redis().hget(keys.feedback(p.id, r.results[0]?.id as string), 'projectId')).toBe(p.id);
  });
});

/** Unclustered count of a project (every open imported row is queued for clustering). */
function unclusteredCount(pid: string): Promise<number> {
  return redis().scard(keys.feedbackUnclustered(pid));
}

describe('POST /feedback/import (NDJSON)', () => {
  it('reads one report per line, skipping blank lines and accepting CRLF', async () => {
    const p = await ctx.createProject();
    const body = [
      '{"title": "first", "externalId": "n1"}',
      '',
      '   ',
      '{"title": "second", "body": "Ünïcödé ✓ 🚀"}\r',
      '\r',
      '{"raw_text": "third", "created_at": "2024-02-02T00:00:00Z"}',
    ].join('\n');
    const r = report(await importNdjson(ctx, p, `${body}\r\n`));
    expect(r).toMatchObject({ created: 3, duplicates: 0, rejected: 0 });
    expect(r.results.map((x) => x.index)).toEqual([0, 1, 2]);
    const [first, second, third] = r.results.map((x) => x.id as string) as [string, string, string];
    expect(await redis().hget(keys.feedback(p.id, first), 'title')).toBe('first');
    expect(await redis().hgetall(keys.feedback(p.id, second))).toMatchObject({
      title: 'second',
      body: 'Ünïcödé ✓ 🚀',
    });
    expect(await redis().hgetall(keys.feedback(p.id, third))).toMatchObject({
      body: 'third',
      createdAt: '2024-02-02T00:00:00.000Z',
    });
    expect(await redis().get(keys.feedbackExternal(p.id, 'manual', 'n1'))).toBe(first);
  });

  it('rejects a bad line with its reason and stores the others', async () => {
    const p = await ctx.createProject();
    const lines = [
      '{"title": "ok 0"}',
      '{"title": "broken", ',
      '[1, 2]',
      '"just a string"',
      'null',
      '{"title": "", "body": "   "}',
      '{"title": {"not": "a string"}}',
      '{"title": "ok 7", "externalId": "x"}',
      '{"title": "ok 7 again", "externalId": "x"}',
    ];
    const r = report(await importNdjson(ctx, p, lines.join('\n')));
    expect(r).toMatchObject({ created: 2, duplicates: 1, rejected: 6 });
    expect(r.results[1]).toEqual({
      index: 1,
      status: 'rejected',
      error: { code: 'invalid_json', message: 'line is not valid JSON' },
    });
    for (const i of [2, 3, 4]) {
      expect(r.results[i]?.error).toEqual({
        code: 'validation_failed',
        message: 'each row must be a JSON object',
      });
    }
    expect(r.results[5]?.error?.code).toBe('validation_failed');
    expect(r.results[6]?.error?.details?.issues[0]?.path).toBe('title');
    expect(r.results[8]).toEqual({ index: 8, status: 'duplicate', id: r.results[7]?.id });
    expect(await count(p.id)).toBe(2);
  });

  it('reads a streamed body whose lines and characters are split across chunks', async () => {
    const p = await ctx.createProject();
    const text = '{"title": "naïve café 🚀"}\n{"title": "second line"}\n{"title": "last, no newline"}';
    const bytes = Buffer.from(text, 'utf8');
    const rocket = bytes.indexOf(Buffer.from('🚀'));
    // Cut inside the 4-byte emoji and inside the second line.
    const chunks = [
      bytes.subarray(0, rocket + 2),
      bytes.subarray(rocket + 2, rocket + 30),
      bytes.subarray(rocket + 30),
    ];
    const r = report(await importNdjson(ctx, p, Readable.from(chunks)));
    expect(r.created).toBe(3);
    const titles = await Promise.all(
      r.results.map((x) => redis().hget(keys.feedback(p.id, x.id as string), 'title')),
    );
    expect(titles).toEqual(['naïve café 🚀', 'second line', 'last, no newline']);
  });

  it('answers an empty NDJSON body with zeros', async () => {
    const p = await ctx.createProject();
    expect(report(await importNdjson(ctx, p, '\n\r\n'))).toEqual({
      created: 0,
      duplicates: 0,
      rejected: 0,
      results: [],
    });
  });

  it('takes exactly 10,000 rows and refuses 10,001 with 413, writing nothing', async () => {
    const p = await ctx.createProject();
    const line = (i: number) => JSON.stringify({ title: `row ${i}`, externalId: `e${i}` });
    const tooMany = Array.from({ length: 10_001 }, (_, i) => line(i)).join('\n');
    const refused = await importNdjson(ctx, p, tooMany);
    expect(refused.statusCode).toBe(413);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    expect(await count(p.id)).toBe(0);
    expect(await unclusteredCount(p.id)).toBe(0);

    const exact = Array.from({ length: 10_000 }, (_, i) => line(i)).join('\n');
    const r = report(await importNdjson(ctx, p, `${exact}\n`));
    expect(r).toMatchObject({ created: 10_000, duplicates: 0, rejected: 0 });
    expect(await count(p.id)).toBe(10_000);
    expect(await redis().zcard(keys.feedbackSource(p.id, 'manual'))).toBe(10_000);
    expect(await unclusteredCount(p.id)).toBe(10_000);
  });

  it('is only accepted by the import route', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: p.apiKey,
      headers: NDJSON,
      payload: '{"title": "x"}\n',
    });
    expect(res.statusCode).toBe(415);
    expect(await count(p.id)).toBe(0);
  });

  it('drops prototype keys of a row', async () => {
    const p = await ctx.createProject();
    const line =
      '{"title": "proto", "__proto__": {"polluted": true}, "metadata": {"__proto__": {"polluted": true}, "ok": 1}}';
    const r = report(await importNdjson(ctx, p, line));
    expect(r.created).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await redis().hget(keys.feedback(p.id, r.results[0]?.id as string), 'metadata')).toBe('{"ok":1}');
  });
});

describe('POST /feedback/import body limit', () => {
  let small: TestContext;

  beforeAll(async () => {
    small = await createTestContext({ IMPORT_BODY_LIMIT: '2048', BODY_LIMIT: '1024' });
  });
  afterAll(async () => small.close());

  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ title: `row number ${i}`, body: 'x'.repeat(40) }));

  it('takes a body under IMPORT_BODY_LIMIT even when it is over BODY_LIMIT', async () => {
    const p = await small.createProject();
    const payload = JSON.stringify(rows(20));
    expect(payload.length).toBeGreaterThan(1024);
    expect(payload.length).toBeLessThan(2048);
    const res = await small.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(report(res).created).toBe(20);
    // The same size on a plain route is over BODY_LIMIT.
    const plain = await small.request({
      method: 'POST',
      url: '/feedback',
      token: p.apiKey,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'big', body: 'x'.repeat(1_500) }),
    });
    expect(plain.statusCode).toBe(413);
    expect(await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id))).toBe(20);
  });

  it('refuses a JSON body over IMPORT_BODY_LIMIT with 413 and writes nothing', async () => {
    const p = await small.createProject();
    const seeded = await importJson(small, p, [{ title: 'seed' }]);
    expect(seeded.statusCode).toBe(200);
    const before = await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id));
    expect(before).toBe(1);
    const payload = JSON.stringify(rows(60));
    expect(payload.length).toBeGreaterThan(2048);
    const res = await small.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    expect(await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id))).toBe(before);
  });

  it('refuses an NDJSON body over IMPORT_BODY_LIMIT with 413 and writes nothing', async () => {
    const p = await small.createProject();
    const seeded = await importJson(small, p, [{ title: 'seed' }]);
    expect(seeded.statusCode).toBe(200);
    const before = await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id));
    expect(before).toBe(1);
    const payload = rows(60)
      .map((r) => JSON.stringify(r))
      .join('\n');
    expect(payload.length).toBeGreaterThan(2048);
    const res = await importNdjson(small, p, payload);
    expect(res.statusCode).toBe(413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    // Streamed in small chunks, without a content-length: the running count stops it.
    const streamed = await small.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: NDJSON,
      payload: Readable.from((payload.match(/[\s\S]{1,100}/g) as string[]).map((s) => Buffer.from(s))),
    });
    expect(streamed.statusCode).toBe(413);
    expect(await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id))).toBe(before);
  });
});
