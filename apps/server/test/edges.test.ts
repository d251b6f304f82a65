import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

const contexts: TestContext[] = [];
async function context(env: Record<string, string> = {}): Promise<TestContext> {
  const ctx = await createTestContext(env);
  contexts.push(ctx);
  return ctx;
}
afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
});

/** A client address of its own per test, so the per-address counters of one test never reach another. */
const address = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

describe('security headers', () => {
  it('every answer carries them; HSTS and upgrades only when the public URL is https', async () => {
    const local = await context();
    for (const url of ['/healthz', '/feedback', '/app/']) {
      const res = await local.request({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    const https = await context({ PUBLIC_URL: 'https://fixloop.example.com' });
    const res = await https.request({ method: 'GET', url: '/healthz' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  const preflight = (ctx: TestContext, origin: string) =>
    ctx.app.inject({
      method: 'OPTIONS',
      url: '/feedback',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('is closed by default: no page of another origin may read an answer', async () => {
    const ctx = await context();
    const pre = await preflight(ctx, 'https://app.example.com');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await ctx.request({
      method: 'GET',
      url: '/feedback',
      headers: { origin: 'https://app.example.com' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('opens to the origins CORS_ORIGINS names, for API keys (no cookies)', async () => {
    const ctx = await context({ CORS_ORIGINS: 'https://app.example.com' });
    const pre = await preflight(ctx, 'https://app.example.com');
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const res = await ctx.request({
      method: 'GET',
      url: '/feedback',
      headers: { origin: 'https://app.example.com' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');

    const other = await preflight(ctx, 'https://evil.example.net');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('a key gets RATE_LIMIT_PER_MIN requests a minute, shared by every process on the Redis; other keys are not affected', async () => {
    const env = { RATE_LIMIT_PER_MIN: '5' };
    const a = await context(env);
    const b = await context(env); // a second API process on the same Redis
    const one = await a.createProject();
    const two = await a.createProject();
    const from = address();
    const get = (ctx: TestContext, token: string) =>
      ctx.request({ method: 'GET', url: '/feedback', token, remoteAddress: from });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(a, one.apiKey)).statusCode);
    for (let i = 0; i < 2; i++) statuses.push((await get(b, one.apiKey)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const limited = await get(b, one.apiKey);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await get(a, one.apiKey)).statusCode).toBe(429);

    // A limited write writes nothing.
    const before = await a.runtime.container.redis.dbsize();
    const post = await a.request({
      method: 'POST',
      url: '/feedback',
      token: one.apiKey,
      remoteAddress: from,
      payload: { title: 'never stored', body: 'limited' },
    });
    expect(post.statusCode).toBe(429);
    expect(await a.runtime.container.redis.dbsize()).toBe(before);

    expect((await get(a, two.apiKey)).statusCode).toBe(200);

    // Counters are named by a hash of the credential: no key is ever written to Redis.
    const counters = await a.runtime.container.redis.keys('ratelimit:req:*');
    expect(counters.length).toBeGreaterThan(0);
    for (const k of counters) {
      expect(k).not.toContain(one.apiKey);
      expect(k).not.toContain(one.apiKey.slice(0, 12));
    }
  });

  it('requests without a valid credential count against their address, trying keys included; probes and the dashboard do not', async () => {
    const ctx = await context({ RATE_LIMIT_IP_PER_MIN: '3' });
    const project = await ctx.createProject();
    const from = address();
    const guess = () =>
      ctx.request({
        method: 'GET',
        url: '/feedback',
        token: `fl_${randomBytes(12).toString('hex')}`,
        remoteAddress: from,
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await guess()).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    const held = await guess();
    expect(held.statusCode).toBe(429);
    expect(held.json().error.code).toBe('rate_limited');
    expect(
      (await ctx.request({ method: 'GET', url: '/feedback', token: null, remoteAddress: from })).statusCode,
    ).toBe(429);
    // The address is spent, but a valid key from it is counted against the key.
    expect(
      (await ctx.request({ method: 'GET', url: '/feedback', token: project.apiKey, remoteAddress: from }))
        .statusCode,
    ).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect(
        (await ctx.request({ method: 'GET', url: '/readyz', token: null, remoteAddress: from })).statusCode,
      ).toBe(200);
    }
    // Another address is untouched.
    expect(
      (await ctx.request({ method: 'GET', url: '/feedback', token: null, remoteAddress: address() }))
        .statusCode,
    ).toBe(401);
  });

  it('0 switches a limit off', async () => {
    const ctx = await context({ RATE_LIMIT_IP_PER_MIN: '0', RATE_LIMIT_PER_MIN: '0' });
    const from = address();
    for (let i = 0; i < 20; i++) {
      const res = await ctx.request({ method: 'GET', url: '/feedback', token: null, remoteAddress: from });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('private addresses in user-set URLs', () => {
  const put = (ctx: TestContext, pid: string, cloneUrl: string) =>
    ctx.request({
      method: 'PUT',
      url: `/projects/${pid}/repository`,
      payload: { owner: 'acme', name: 'shop', cloneUrl },
    });

  it('a cloneUrl on loopback, link-local or a private network is refused unless ALLOW_PRIVATE_URLS=true', async () => {
    const ctx = await context();
    const { id } = await ctx.createProject();
    for (const url of [
      'http://127.0.0.1:9/acme/shop.git',
      'http://169.254.169.254/x.git',
      'git@10.0.0.7:acme/shop.git',
    ]) {
      const res = await put(ctx, id, url);
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.message).toContain('ALLOW_PRIVATE_URLS');
    }
    expect((await ctx.request({ method: 'GET', url: `/projects/${id}/repository` })).statusCode).toBe(404);

    const open = await context({ ALLOW_PRIVATE_URLS: 'true' });
    const other = await open.createProject();
    expect((await put(open, other.id, 'http://127.0.0.1:9/acme/shop.git')).statusCode).toBe(200);
  });
});
