import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/app/assets/index-BxY7aZ3k.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("dashboard");';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

let dist: string;
let built: TestContext;
let bare: TestContext;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'fixloop-web-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-BxY7aZ3k.js'), SCRIPT);
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, '.env'), 'SECRET=1');
  built = await createTestContext({ WEB_DIST_DIR: dist });
  bare = await createTestContext({ WEB_DIST_DIR: join(dist, 'missing') });
});
afterAll(async () => {
  await built?.close();
  await bare?.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (c: TestContext, url: string) => c.request({ method: 'GET', url, token: null });

function expectSecurityHeaders(res: LightMyRequestResponse) {
  const directives = String(res.headers['content-security-policy'])
    .split(';')
    .map((d) => d.trim());
  expect(directives.join('; ')).toBe(CSP);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['x-frame-options']).toBe('DENY');
}

describe('the built dashboard under /app/', () => {
  it('redirects / and /app to /app/', async () => {
    for (const url of ['/', '/app']) {
      const res = await get(built, url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/app/');
      expectSecurityHeaders(res);
    }
  });

  it('serves index.html without caching, with the security headers and no key', async () => {
    const res = await get(built, '/app/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX);
    expectSecurityHeaders(res);
  });

  it('serves hashed assets with a year-long immutable cache, other files revalidated', async () => {
    const asset = await get(built, '/app/assets/index-BxY7aZ3k.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe(SCRIPT);
    expectSecurityHeaders(asset);
    const icon = await get(built, '/app/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers index.html for client-side routes, a 404 for a missing asset', async () => {
    for (const url of [
      '/app/clusters',
      '/app/clusters/3f2c9c1e-0000-4000-8000-000000000000',
      '/app/login?next=%2Fapp%2Fmap',
    ]) {
      const res = await get(built, url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      expectSecurityHeaders(res);
    }
    const missing = await get(built, '/app/assets/index-OLDHASH1.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('never serves files outside the build or dotfiles', async () => {
    for (const url of [
      '/app/../package.json',
      '/app/%2e%2e/%2e%2e/package.json',
      '/app/.env',
      '/app/assets/../../.env',
    ]) {
      const res = await get(built, url);
      expect(res.body, url).not.toContain('SECRET');
      expect(res.body, url).not.toContain('"name"');
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('keeps the API as it was: the dashboard routes are public, the rest still needs a key, and none is in OpenAPI', async () => {
    expect((await get(built, '/feedback')).statusCode).toBe(401);
    expect((await built.request({ method: 'GET', url: '/feedback' })).statusCode).toBe(200);
    const paths = Object.keys((built.app.swagger() as { paths: Record<string, unknown> }).paths);
    expect(paths.filter((p) => p === '/' || p.startsWith('/app'))).toEqual([]);
  });
});

describe('without a build', () => {
  it('answers /app/ and its routes with a page that says how to build it, never a 500', async () => {
    for (const url of ['/app/', '/app/clusters', '/app/assets/index-BxY7aZ3k.js']) {
      const res = await get(bare, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('npm run build -w @fixloop/web');
      expectSecurityHeaders(res);
    }
    const root = await get(bare, '/');
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/app/');
  });
});
