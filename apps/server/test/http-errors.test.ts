import { ErrorCode } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody, statusFor } from '../src/http/errors.js';
import { createTestContext, type TestContext } from './support/context.js';

type Project = { id: string; apiKey: string };
interface Envelope {
  error: { code: string; message: string; details?: { issues?: Array<{ path: string; message: string }> } };
}

let ctx: TestContext;
let project: Project;

beforeAll(async () => {
  ctx = await createTestContext();
  project = await ctx.createProject();
});
afterAll(async () => ctx.close());

const redis = () => ctx.runtime.container.redis;
const JSON_HEADERS = { 'content-type': 'application/json' };

function postRaw(
  payload: string,
  headers: Record<string, string> = JSON_HEADERS,
  c: TestContext = ctx,
  p: Project = project,
): Promise<LightMyRequestResponse> {
  return c.request({ method: 'POST', url: '/feedback', token: p.apiKey, headers, payload });
}

function expectEnvelope(res: LightMyRequestResponse, status: number, code: string): Envelope {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<Envelope>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

const paths = (e: Envelope) => (e.error.details?.issues ?? []).map((i) => i.path);

describe('authentication', () => {
  it('answers a missing key with 401 and the envelope', async () => {
    const res = await ctx.request({ method: 'GET', url: '/feedback', token: null });
    expectEnvelope(res, 401, 'unauthorized');
    expect(res.json()).toEqual({
      error: { code: 'unauthorized', message: 'missing API key: send Authorization: Bearer <key>' },
    });
  });

  it('answers a bad key with 401, whatever its shape', async () => {
    for (const token of ['flk_not-a-real-key', 'x', 'k'.repeat(600), `${project.apiKey}x`]) {
      const res = await ctx.request({ method: 'GET', url: '/feedback', token });
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid API key' } });
      expect(res.statusCode).toBe(401);
    }
    for (const authorization of [`Basic ${project.apiKey}`, project.apiKey, 'Bearer', 'Bearer a b']) {
      const res = await ctx.request({
        method: 'GET',
        url: '/feedback',
        token: null,
        headers: { authorization },
      });
      expectEnvelope(res, 401, 'unauthorized');
    }
    // The scheme is case-insensitive.
    const lower = await ctx.request({
      method: 'GET',
      url: '/feedback',
      token: null,
      headers: { authorization: `bearer ${project.apiKey}` },
    });
    expect(lower.statusCode).toBe(200);
  });

  it('checks the key before reading the body', async () => {
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: null,
      headers: JSON_HEADERS,
      payload: '{not json',
    });
    expectEnvelope(res, 401, 'unauthorized');
  });
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    for (const payload of ['{"title": "x"', '{title: "x"}', "{'title': 'x'}", '{"title": "x"}}', '\u0000']) {
      const res = await postRaw(payload);
      expect(res.json()).toEqual({
        error: { code: 'invalid_json', message: 'request body is not valid JSON' },
      });
      expect(res.statusCode).toBe(400);
    }
    expect(await redis().zcard(keys.feedbackCreated(project.id))).toBe(0);
  });

  it('answers another content type with a body with 415', async () => {
    for (const type of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/xml',
      'multipart/form-data',
    ]) {
      const res = await postRaw('{"title": "x"}', { 'content-type': type });
      const body = expectEnvelope(res, 415, 'unsupported_media_type');
      expect(body.error.message).toContain('application/json');
    }
    expect(await redis().zcard(keys.feedbackCreated(project.id))).toBe(0);
  });

  it('accepts JSON with a charset parameter', async () => {
    const p = await ctx.createProject();
    const res = await postRaw(
      '{"title": "charset"}',
      { 'content-type': 'application/json; charset=utf-8' },
      ctx,
      p,
    );
    expect(res.statusCode).toBe(201);
  });

  it('answers a route that needs a body, sent without one, with 422', async () => {
    for (const headers of [{}, JSON_HEADERS]) {
      const res = await ctx.request({
        method: 'POST',
        url: '/feedback',
        token: project.apiKey,
        headers,
        payload: '',
      });
      const body = expectEnvelope(res, 422, 'validation_failed');
      expect(paths(body)).toEqual(['body']);
    }
  });

  it('answers schema violations with 422 listing every field path', async () => {
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: project.apiKey,
      payload: { title: ['x'], body: 7, status: 'nope', author: 'a'.repeat(300), externalId: '' },
    });
    const body = expectEnvelope(res, 422, 'validation_failed');
    expect(paths(body)).toEqual(
      expect.arrayContaining(['body.title', 'body.body', 'body.status', 'body.author', 'body.externalId']),
    );
    expect(body.error.message).toMatch(/^body\.\w+: /);
    for (const issue of body.error.details?.issues ?? []) expect(issue.message).toEqual(expect.any(String));
  });

  it('answers a body that is JSON but not an object with 422', async () => {
    for (const payload of ['[]', '"text"', '42', 'null', 'true']) {
      const res = await postRaw(payload);
      expectEnvelope(res, 422, 'validation_failed');
    }
  });

  it('refuses NUL characters in text fields with 422', async () => {
    for (const payload of [
      { title: 'bad\u0000title' },
      { title: 'ok', body: 'bad\u0000body' },
      { title: 'ok', externalId: 'id\u0000' },
    ]) {
      const res = await ctx.request({ method: 'POST', url: '/feedback', token: project.apiKey, payload });
      const body = expectEnvelope(res, 422, 'validation_failed');
      expect(body.error.details?.issues?.[0]?.message).toBe('must not contain NUL characters');
    }
    expect(await redis().zcard(keys.feedbackCreated(project.id))).toBe(0);
  });

  it('drops prototype keys instead of applying or storing them', async () => {
    const p = await ctx.createProject();
    const payload =
      '{"__proto__": {"polluted": true}, "title": "x", "constructor": {"prototype": {"polluted": true}},' +
      ' "metadata": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "safe": 1}}';
    const res = await postRaw(payload, JSON_HEADERS, ctx, p);
    expect(res.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const item = res.json<{ id: string; title: string; metadata: Record<string, unknown> }>();
    expect(item.title).toBe('x');
    expect(item.metadata).toEqual({ safe: 1 });
    expect(await redis().hget(keys.feedback(p.id, item.id), 'metadata')).toBe('{"safe":1}');
    // Nothing of the pollution reached the stored hash.
    const stored = JSON.stringify(await redis().hgetall(keys.feedback(p.id, item.id)));
    expect(stored).not.toContain('polluted');
    expect(stored).not.toContain('__proto__');
  });

  it('refuses very deep metadata with 422, never 500, and stores reasonable nesting', async () => {
    const p = await ctx.createProject();
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const deep of [nested(40), nested(20_000), arrays(100_000)]) {
      const res = await postRaw(`{"title": "deep", "metadata": {"a": ${deep}}}`, JSON_HEADERS, ctx, p);
      const body = expectEnvelope(res, 422, 'validation_failed');
      expect(paths(body)).toEqual(['body.metadata']);
    }
    // The same through PUT and the bulk import.
    const ok = await postRaw(`{"title": "nested", "metadata": {"a": ${nested(20)}}}`, JSON_HEADERS, ctx, p);
    expect(ok.statusCode).toBe(201);
    const id = ok.json<{ id: string }>().id;
    expect(JSON.parse((await redis().hget(keys.feedback(p.id, id), 'metadata')) as string)).toEqual(
      JSON.parse(`{"a": ${nested(20)}}`),
    );
    const put = await ctx.request({
      method: 'PUT',
      url: `/feedback/${id}`,
      token: p.apiKey,
      headers: JSON_HEADERS,
      payload: `{"metadata": {"a": ${arrays(50_000)}}}`,
    });
    expectEnvelope(put, 422, 'validation_failed');
    const imported = await ctx.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `{"title": "deep", "metadata": {"a": ${arrays(50_000)}}}\n{"title": "fine"}\n`,
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({
      created: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'rejected', error: { code: 'validation_failed' } },
        { status: 'created' },
      ],
    });
    expect(await redis().zcard(keys.feedbackCreated(p.id))).toBe(2);
  });
});

describe('framing errors', () => {
  it('answers a body that does not match its content-length with 400 and the envelope', async () => {
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: project.apiKey,
      headers: { ...JSON_HEADERS, 'content-length': '5' },
      payload: '{"title": "longer than five bytes"}',
    });
    expectEnvelope(res, 400, 'bad_request');
  });

  it('answers a malformed content type with a body with 415', async () => {
    const res = await postRaw('{"title": "x"}', { 'content-type': ';;;' });
    expectEnvelope(res, 415, 'unsupported_media_type');
  });
});

describe('error codes', () => {
  it('maps every code to its one HTTP status', () => {
    const expected: Record<ErrorCode, number> = {
      bad_request: 400,
      invalid_json: 400,
      unauthorized: 401,
      invalid_signature: 401,
      payment_required: 402,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      validation_failed: 422,
      rate_limited: 429,
      upstream_unavailable: 502,
      internal: 500,
    };
    expect([...ErrorCode.options].sort()).toEqual(Object.keys(expected).sort());
    for (const code of ErrorCode.options) expect(statusFor(code), code).toBe(expected[code]);
    expect(() => statusFor('teapot' as ErrorCode)).toThrow('unexpected value: "teapot"');
  });

  it('builds the envelope, with details only when there are some', () => {
    expect(errorBody('conflict', 'taken')).toEqual({ error: { code: 'conflict', message: 'taken' } });
    expect(errorBody('validation_failed', 'bad', { issues: [] })).toEqual({
      error: { code: 'validation_failed', message: 'bad', details: { issues: [] } },
    });
  });
});

describe('body limit', () => {
  let small: TestContext;
  let p: Project;

  beforeAll(async () => {
    small = await createTestContext({ BODY_LIMIT: '2048' });
    p = await small.createProject();
  });
  afterAll(async () => small.close());

  it('answers a body over BODY_LIMIT with 413 and writes nothing', async () => {
    const under = await postRaw(
      JSON.stringify({ title: 'under', body: 'x'.repeat(1_900) }),
      JSON_HEADERS,
      small,
      p,
    );
    expect(under.statusCode).toBe(201);
    const over = await postRaw(
      JSON.stringify({ title: 'over', body: 'x'.repeat(2_100) }),
      JSON_HEADERS,
      small,
      p,
    );
    expect(over.json()).toEqual({
      error: { code: 'payload_too_large', message: 'request body is larger than this route accepts' },
    });
    expect(over.statusCode).toBe(413);
    // Over the limit with another content type: the size is checked first.
    const text = await postRaw('x'.repeat(3_000), { 'content-type': 'text/plain' }, small, p);
    expectEnvelope(text, 413, 'payload_too_large');
    expect(await small.runtime.container.redis.zcard(keys.feedbackCreated(p.id))).toBe(1);
  });
});

describe('routes and URLs', () => {
  it('answers an unknown route with the 404 envelope', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/feedback/x/y/z'],
      ['PATCH', '/feedback'],
      ['GET', '/projects/default/nope'],
    ] as const) {
      const res = await ctx.request({ method, url });
      expect(res.json()).toEqual({ error: { code: 'not_found', message: `no route ${method} ${url}` } });
      expect(res.statusCode).toBe(404);
    }
    const withQuery = await ctx.request({ method: 'GET', url: '/nope?token=secret' });
    expect(withQuery.json<Envelope>().error.message).toBe('no route GET /nope');
  });

  it('answers malformed URLs and overlong ids with the envelope, never 500', async () => {
    const bad = await ctx.request({ method: 'GET', url: '/feedback/%zz', token: project.apiKey });
    expectEnvelope(bad, 400, 'bad_request');
    const long = await ctx.request({
      method: 'GET',
      url: `/feedback/${'a'.repeat(301)}`,
      token: project.apiKey,
    });
    expectEnvelope(long, 400, 'bad_request');
    expect(long.headers['x-request-id']).toEqual(expect.any(String));
    const id201 = await ctx.request({
      method: 'GET',
      url: `/feedback/${'a'.repeat(201)}`,
      token: project.apiKey,
    });
    expectEnvelope(id201, 422, 'validation_failed');
  });

  it('answers repeated or malformed query parameters with 422', async () => {
    for (const query of [
      'limit=10&limit=20',
      'source=a&source=b',
      `q=${'x'.repeat(201)}`,
      'q=%20%20',
      'source=BAD',
    ]) {
      const res = await ctx.request({ method: 'GET', url: `/feedback?${query}`, token: project.apiKey });
      const body = expectEnvelope(res, 422, 'validation_failed');
      expect(paths(body)[0]).toMatch(/^querystring\./);
    }
  });
});

describe('action routes', () => {
  it('accepts a POST without a body on /ingest/reddit/poll, with or without a content type', async () => {
    const p = await ctx.createProject();
    const variants: InjectOptions[] = [
      { method: 'POST', url: '/ingest/reddit/poll' },
      { method: 'POST', url: '/ingest/reddit/poll', headers: JSON_HEADERS, payload: '' },
      { method: 'POST', url: '/ingest/reddit/poll', headers: { 'content-type': 'text/plain' }, payload: '' },
      { method: 'POST', url: `/projects/${p.id}/ingest/reddit/poll` },
    ];
    for (const opts of variants) {
      const res = await ctx.request({ ...opts, token: p.apiKey });
      expect(res.statusCode, `${JSON.stringify(opts.headers)}: ${res.body}`).toBe(202);
      expect(res.json()).toEqual({ subreddits: [] });
    }
  });

  it('accepts a POST without a body on POST /projects/{pid}/api-keys (the body is optional)', async () => {
    const p = await ctx.createProject();
    for (const opts of [{}, { headers: JSON_HEADERS, payload: '' }] as InjectOptions[]) {
      const res = await ctx.request({ ...opts, method: 'POST', url: `/projects/${p.id}/api-keys` });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json<{ name: string }>().name).toBe('api key');
    }
  });
});

describe('request ids', () => {
  it('puts x-request-id on every response, success or error', async () => {
    const responses = await Promise.all([
      ctx.request({ method: 'GET', url: '/healthz', token: null }),
      ctx.request({ method: 'GET', url: '/feedback', token: project.apiKey }),
      ctx.request({ method: 'GET', url: '/feedback', token: null }),
      ctx.request({ method: 'GET', url: '/nope' }),
      ctx.request({ method: 'GET', url: '/feedback?limit=0', token: project.apiKey }),
      postRaw('{bad'),
      postRaw('x', { 'content-type': 'text/plain' }),
      ctx.request({ method: 'GET', url: '/feedback/%zz', token: project.apiKey }),
      ctx.request({ method: 'POST', url: '/projects', token: project.apiKey, payload: { name: 'x' } }),
    ]);
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const [i, id] of ids.entries()) {
      expect(id, `response ${i} (${responses[i]?.statusCode})`).toEqual(
        expect.stringMatching(/^[0-9a-f-]{36}$/),
      );
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const given = await ctx.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-123.abc_DEF' },
    });
    expect(given.headers['x-request-id']).toBe('trace-123.abc_DEF');
    const errorGiven = await ctx.request({
      method: 'GET',
      url: '/feedback',
      token: null,
      headers: { 'x-request-id': 'trace-401' },
    });
    expect(errorGiven.statusCode).toBe(401);
    expect(errorGiven.headers['x-request-id']).toBe('trace-401');
    for (const bad of ['has space', 'x'.repeat(65), 'semi;colon']) {
      const res = await ctx.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('health and documentation', () => {
  it('answers /healthz and /readyz without a key', async () => {
    const health = await ctx.request({ method: 'GET', url: '/healthz', token: null });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const ready = await ctx.request({ method: 'GET', url: '/readyz', token: null });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true, redis: 'up' });
  });

  it('serves the OpenAPI document with the root and project-scoped feedback paths', async () => {
    const res = await ctx.request({ method: 'GET', url: '/openapi.json', token: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/feedback',
      '/feedback/{id}',
      '/feedback/import',
      '/projects',
      '/projects/{projectId}',
      '/projects/{projectId}/feedback',
      '/projects/{projectId}/feedback/{id}',
      '/projects/{projectId}/api-keys',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(doc.paths['/feedback'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/feedback/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths).not.toHaveProperty(['/openapi.json']);
  });
});

describe('when Redis is gone', () => {
  it('answers /readyz and other routes 503 without internals', async () => {
    const broken = await createTestContext();
    try {
      broken.runtime.container.redis.disconnect();
      const ready = await broken.request({ method: 'GET', url: '/readyz', token: null });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({
        error: { code: 'upstream_unavailable', message: 'Redis is not reachable' },
      });
      const res = await broken.request({ method: 'GET', url: '/feedback' });
      expect(res.json()).toEqual({
        error: { code: 'upstream_unavailable', message: 'Redis is not reachable; retry the request' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      // Liveness does not depend on Redis.
      expect((await broken.request({ method: 'GET', url: '/healthz', token: null })).statusCode).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
