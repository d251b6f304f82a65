import { createHash, randomBytes } from 'node:crypto';
import { installAdminKey } from '@fixloop/domain';
import { keys } from '@fixloop/store';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

const PUBLIC = 'http://fixloop.test:8000';
const DEV = 'http://localhost:5173';
const EVIL = 'https://evil.example';
const WEEK_S = 604_800;

let ctx: TestContext;
/** A second server on the same Redis: https public URL (Secure cookie) and one-second sessions. */
let short: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_URL: PUBLIC, ALLOWED_ORIGINS: DEV });
  short = await createTestContext({ PUBLIC_URL: 'https://fixloop.example.com', SESSION_TTL_S: '1' });
});
afterAll(async () => {
  await short?.close();
  await ctx?.close();
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const redis = () => ctx.runtime.container.redis;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SessionInfo {
  principal: { kind: 'admin' | 'key'; keyId?: string };
  projectId: string;
  projects: Array<{ id: string; name: string }>;
}

function setCookie(res: LightMyRequestResponse): string | undefined {
  const h = res.headers['set-cookie'];
  return Array.isArray(h) ? h.join('\n') : h;
}

async function login(
  c: TestContext,
  apiKey: string,
  headers: Record<string, string> = {},
): Promise<{ res: LightMyRequestResponse; token: string }> {
  const res = await c.request({
    method: 'POST',
    url: '/auth/login',
    payload: { apiKey },
    token: null,
    headers,
  });
  const token = /^fixloop_session=([^;]*);/.exec(setCookie(res) ?? '')?.[1] ?? '';
  return { res, token };
}

/** A request authenticated by the session cookie only (no Bearer header). */
function withCookie(
  c: TestContext,
  token: string,
  opts: {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    payload?: object;
    headers?: Record<string, string>;
  },
) {
  return c.request({
    method: opts.method ?? 'GET',
    url: opts.url,
    token: null,
    headers: { cookie: `theme=dark; fixloop_session=${token}`, ...opts.headers },
    ...(opts.payload === undefined ? {} : { payload: opts.payload }),
  });
}

async function keyIdOf(projectId: string): Promise<string> {
  const res = await ctx.request({ method: 'GET', url: `/projects/${projectId}/api-keys` });
  return (res.json() as { items: Array<{ id: string }> }).items[0]?.id as string;
}

function expectForbiddenCrossSite(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(403);
  expect(res.json()).toMatchObject({ error: { code: 'forbidden', message: 'cross-site request refused' } });
}

describe('POST /auth/login', () => {
  it('opens a session for a project key: exact cookie, who and which project; Redis keeps only hashes', async () => {
    const p = await ctx.createProject();
    const { res, token } = await login(ctx, p.apiKey);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<SessionInfo>()).toEqual({
      principal: { kind: 'key', keyId: await keyIdOf(p.id) },
      projectId: p.id,
      projects: [{ id: p.id, name: expect.any(String) }],
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie(res)).toBe(
      `fixloop_session=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${WEEK_S}`,
    );

    const stored = await redis().hgetall(keys.session(sha256(token)));
    expect(stored).toMatchObject({ keyHash: sha256(p.apiKey), kind: 'key', projectId: p.id });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(p.apiKey);
    expect(await redis().exists(`session:${token}`)).toBe(0);
    const ttl = await redis().pttl(keys.session(sha256(token)));
    expect(ttl).toBeGreaterThan((WEEK_S - 60) * 1000);
    expect(ttl).toBeLessThanOrEqual(WEEK_S * 1000);
  });

  it('opens an admin session that lists every project, with `default` as its own', async () => {
    const p = await ctx.createProject();
    const { res } = await login(ctx, ctx.adminToken);
    expect(res.statusCode).toBe(200);
    const info = res.json<SessionInfo>();
    expect(info.principal).toEqual({ kind: 'admin' });
    expect(info.projectId).toBe('default');
    expect(info.projects.map((x) => x.id)).toEqual(expect.arrayContaining(['default', p.id]));
  });

  it('refuses a bad key (401, no cookie) and a missing one (422)', async () => {
    const bad = await login(ctx, `flk_${randomBytes(32).toString('base64url')}`);
    expect(bad.res.statusCode).toBe(401);
    expect(bad.res.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid API key' } });
    expect(setCookie(bad.res)).toBeUndefined();
    const missing = await ctx.request({ method: 'POST', url: '/auth/login', payload: {}, token: null });
    expect(missing.statusCode).toBe(422);
  });

  it("refuses a sign-in sent by another site's page; the dashboard's origin and plain clients may sign in", async () => {
    const p = await ctx.createProject();
    expectForbiddenCrossSite((await login(ctx, p.apiKey, { origin: EVIL })).res);
    expect((await login(ctx, p.apiKey, { origin: PUBLIC })).res.statusCode).toBe(200);
    expect((await login(ctx, p.apiKey, { origin: DEV })).res.statusCode).toBe(200);
    expect((await login(ctx, p.apiKey)).res.statusCode).toBe(200);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const { res, token } = await login(short, short.adminToken);
    expect(setCookie(res)).toBe(
      `fixloop_session=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=1; Secure`,
    );
  });
});

describe('the session cookie on the API', () => {
  it('authenticates reads, answers GET /auth/me, and keeps a project key on its own project', async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const { token } = await login(ctx, p.apiKey);
    const me = await withCookie(ctx, token, { url: '/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json<SessionInfo>()).toMatchObject({ principal: { kind: 'key' }, projectId: p.id });

    const list = await withCookie(ctx, token, { url: '/feedback' });
    expect(list.statusCode).toBe(200);
    expect((await withCookie(ctx, token, { url: `/projects/${p.id}/feedback` })).statusCode).toBe(200);
    expect((await withCookie(ctx, token, { url: '/projects' })).json()).toMatchObject({
      items: [{ id: p.id }],
    });

    // Tenant isolation: another project is out of reach, reads and writes alike.
    const foreign = await withCookie(ctx, token, { url: `/projects/${other.id}/feedback` });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ error: { code: 'forbidden' } });
    const write = await withCookie(ctx, token, {
      method: 'POST',
      url: `/projects/${other.id}/feedback`,
      payload: { title: 'not mine' },
      headers: { origin: PUBLIC },
    });
    expect(write.statusCode).toBe(403);
    expect((await withCookie(ctx, token, { url: `/projects/${other.id}` })).statusCode).toBe(403);
    expect((await withCookie(ctx, token, { url: '/projects/no-such-project/feedback' })).statusCode).toBe(
      403,
    );
  });

  it('lets an admin session switch projects through /projects/{pid}/…', async () => {
    const p = await ctx.createProject();
    const { token } = await login(ctx, ctx.adminToken);
    const created = await withCookie(ctx, token, {
      method: 'POST',
      url: `/projects/${p.id}/feedback`,
      payload: { title: 'through the switcher' },
      headers: { origin: PUBLIC },
    });
    expect(created.statusCode, created.body).toBe(201);
    const list = await withCookie(ctx, token, { url: `/projects/${p.id}/feedback` });
    expect(list.json()).toMatchObject({ items: [{ title: 'through the switcher', projectId: p.id }] });
  });

  it('answers 401 without a session or key, and clears a cookie whose session is gone', async () => {
    const none = await ctx.request({ method: 'GET', url: '/auth/me', token: null });
    expect(none.statusCode).toBe(401);
    const unknown = await withCookie(ctx, randomBytes(32).toString('base64url'), { url: '/auth/me' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({
      error: { code: 'unauthorized', message: 'session expired or ended: sign in again' },
    });
    expect(setCookie(unknown)).toBe('fixloop_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0');
    expect((await withCookie(ctx, 'not a token', { url: '/feedback' })).statusCode).toBe(401);
  });

  it('answers GET /auth/me for a Bearer key too', async () => {
    const p = await ctx.createProject();
    const me = await ctx.request({ method: 'GET', url: '/auth/me', token: p.apiKey });
    expect(me.statusCode).toBe(200);
    expect(me.json<SessionInfo>()).toMatchObject({ principal: { kind: 'key' }, projectId: p.id });
  });
});

describe('Origin check on cookie-authenticated writes', () => {
  it('refuses a write without Origin or from another origin; accepts the public origin, ALLOWED_ORIGINS and a same-site Referer', async () => {
    const p = await ctx.createProject();
    const { token } = await login(ctx, p.apiKey);
    const post = (headers: Record<string, string>) =>
      withCookie(ctx, token, {
        method: 'POST',
        url: '/feedback',
        payload: { title: 'from the dashboard' },
        headers,
      });

    expectForbiddenCrossSite(await post({}));
    expectForbiddenCrossSite(await post({ origin: EVIL }));
    expectForbiddenCrossSite(await post({ origin: 'null' }));
    expectForbiddenCrossSite(await post({ origin: 'http://fixloop.test:8001' }));
    expectForbiddenCrossSite(await post({ referer: `${EVIL}/app/` }));
    expect((await post({ origin: PUBLIC })).statusCode).toBe(201);
    expect((await post({ origin: DEV })).statusCode).toBe(201);
    expect((await post({ referer: `${PUBLIC}/app/clusters?x=1` })).statusCode).toBe(201);

    // Nothing was stored by the refused writes.
    const list = await withCookie(ctx, token, { url: '/feedback' });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(3);

    const item = (await post({ origin: PUBLIC })).json<{ id: string }>();
    expectForbiddenCrossSite(await withCookie(ctx, token, { method: 'DELETE', url: `/feedback/${item.id}` }));
    expectForbiddenCrossSite(
      await withCookie(ctx, token, { method: 'PUT', url: `/feedback/${item.id}`, payload: { title: 'x' } }),
    );
    const del = await withCookie(ctx, token, {
      method: 'DELETE',
      url: `/feedback/${item.id}`,
      headers: { origin: PUBLIC },
    });
    expect(del.statusCode).toBe(204);
  });

  it('leaves Bearer requests alone, whatever their Origin; a Bearer header wins over the cookie', async () => {
    const p = await ctx.createProject();
    const { token } = await login(ctx, p.apiKey);
    const bearer = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: p.apiKey,
      payload: { title: 'from a script' },
      headers: { origin: EVIL },
    });
    expect(bearer.statusCode).toBe(201);
    const noOrigin = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: p.apiKey,
      payload: { title: 'curl' },
    });
    expect(noOrigin.statusCode).toBe(201);
    const badBearer = await ctx.request({
      method: 'GET',
      url: '/feedback',
      token: 'flk_wrong',
      headers: { cookie: `fixloop_session=${token}` },
    });
    expect(badBearer.statusCode).toBe(401);
    expect(badBearer.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid API key' } });
  });
});

describe('POST /auth/logout', () => {
  it('ends the session and clears the cookie; without a session it still answers 204', async () => {
    const p = await ctx.createProject();
    const { token } = await login(ctx, p.apiKey);
    const refused = await withCookie(ctx, token, { method: 'POST', url: '/auth/logout' });
    expectForbiddenCrossSite(refused);
    expect((await withCookie(ctx, token, { url: '/auth/me' })).statusCode).toBe(200);

    const out = await withCookie(ctx, token, {
      method: 'POST',
      url: '/auth/logout',
      headers: { origin: PUBLIC },
    });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(setCookie(out)).toBe('fixloop_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0');
    expect(await redis().exists(keys.session(sha256(token)))).toBe(0);
    expect((await withCookie(ctx, token, { url: '/auth/me' })).statusCode).toBe(401);

    const again = await ctx.request({ method: 'POST', url: '/auth/logout', token: null });
    expect(again.statusCode).toBe(204);
    // The key the session was opened with still works.
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: p.apiKey })).statusCode).toBe(200);
  });
});

describe('session lifetime', () => {
  it('ends a session whose key is revoked', async () => {
    const p = await ctx.createProject();
    const created = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/api-keys`,
      payload: { name: 'dash' },
    });
    const key = created.json<{ id: string; apiKey: string }>();
    const { token } = await login(ctx, key.apiKey);
    expect((await withCookie(ctx, token, { url: '/feedback' })).statusCode).toBe(200);

    const del = await ctx.request({ method: 'DELETE', url: `/projects/${p.id}/api-keys/${key.id}` });
    expect(del.statusCode).toBe(204);
    expect((await withCookie(ctx, token, { url: '/feedback' })).statusCode).toBe(401);
    expect((await withCookie(ctx, token, { url: '/auth/me' })).statusCode).toBe(401);
  });

  it('slides: a session in use gets its expiry and cookie renewed, at most once a minute', async () => {
    const p = await ctx.createProject();
    const { token } = await login(ctx, p.apiKey);
    const key = keys.session(sha256(token));
    const fresh = await withCookie(ctx, token, { url: '/feedback' });
    expect(setCookie(fresh)).toBeUndefined();

    // As if last renewed long ago, with little time left.
    await redis().hset(key, 'refreshedAtMs', '0');
    await redis().pexpire(key, 10_000);
    const renewed = await withCookie(ctx, token, { url: '/feedback' });
    expect(renewed.statusCode).toBe(200);
    expect(setCookie(renewed)).toBe(
      `fixloop_session=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${WEEK_S}`,
    );
    expect(await redis().pttl(key)).toBeGreaterThan((WEEK_S - 60) * 1000);
    expect(Number(await redis().hget(key, 'refreshedAtMs'))).toBeGreaterThan(Date.now() - 60_000);

    const next = await withCookie(ctx, token, { url: '/feedback' });
    expect(setCookie(next)).toBeUndefined();
  });

  it('expires after SESSION_TTL_S without use', async () => {
    const { token } = await login(short, short.adminToken);
    expect((await withCookie(short, token, { url: '/auth/me' })).statusCode).toBe(200);
    await sleep(1_200);
    const expired = await withCookie(short, token, { url: '/auth/me' });
    expect(expired.statusCode).toBe(401);
    expect(await redis().exists(keys.session(sha256(token)))).toBe(0);
  });

  it('ends admin sessions when the admin key is rotated', async () => {
    const { token } = await login(ctx, ctx.adminToken);
    expect((await withCookie(ctx, token, { url: '/auth/me' })).statusCode).toBe(200);
    const deps = ctx.runtime.container.projectDeps;
    const rotated = `rotated-admin-${randomBytes(16).toString('hex')}`;
    try {
      await installAdminKey(deps, rotated, { exclusive: true });
      expect((await withCookie(ctx, token, { url: '/auth/me' })).statusCode).toBe(401);
    } finally {
      // Give the file's other contexts their admin key back.
      await installAdminKey(deps, ctx.adminToken, { exclusive: true });
    }
  });
});
