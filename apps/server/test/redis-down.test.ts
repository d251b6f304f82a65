import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';
import { loadConfig } from '../src/config.js';
import { type RedisServerHandle, startRedisServer } from '../src/infra/managed-redis.js';
import { type Runtime, startRuntime } from '../src/runtime.js';

/**
 * Ingestion against a Redis that died (its own throwaway server, killed with SIGKILL): every
 * ingest route answers 503 with the error envelope within a few seconds — never an
 * acknowledgement, never a hang — and the same request succeeds once Redis is back.
 */
const ADMIN = `redis-down-admin-${randomBytes(8).toString('hex')}`;
const GITHUB_SECRET = 'redis-down-github-secret';
let dir: string;
let port: number;
let server: RedisServerHandle;
let runtime: Runtime;
let app: FastifyInstance;

const startServer = () =>
  startRedisServer({
    bin: 'redis-server',
    dir: join(dir, 'redis'),
    listen: { port },
    appendOnly: true,
    fsync: 'always',
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fixloop-redis-down-'));
  port = await freePort();
  server = await startServer();
  const config = loadConfig({
    REDIS_URL: server.url,
    DATA_DIR: join(dir, 'data'),
    ADMIN_TOKEN: ADMIN,
    SECRETS_KEY: randomBytes(32).toString('hex'),
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    LOG_LEVEL: 'silent',
  });
  runtime = await startRuntime(config, pino({ level: 'silent' }), 'api', { listen: false });
  app = runtime.app as FastifyInstance;
});

afterAll(async () => {
  await runtime?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = (opts: InjectOptions) =>
  app.inject({ ...opts, headers: { authorization: `Bearer ${ADMIN}`, ...opts.headers } });

function githubOpened(number: number): InjectOptions {
  const raw = JSON.stringify({
    action: 'opened',
    issue: {
      number,
      title: `Crash ${number}`,
      body: 'Steps',
      state: 'open',
      html_url: `https://github.com/acme/down/issues/${number}`,
      user: { login: 'octocat', id: 1, type: 'User' },
      labels: [],
      comments: 0,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    },
    repository: {
      id: 1,
      name: 'down',
      full_name: 'acme/down',
      owner: { login: 'acme', id: 7, type: 'User' },
    },
    sender: { login: 'octocat', id: 1, type: 'User' },
  });
  return {
    method: 'POST',
    url: '/ingest/github/webhook',
    payload: raw,
    headers: {
      authorization: '',
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomBytes(8).toString('hex'),
      'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(raw).digest('hex')}`,
    },
  };
}

const requests: Record<string, InjectOptions> = {
  'POST /feedback': { method: 'POST', url: '/feedback', payload: { title: 'Down 1', externalId: 'down-1' } },
  'POST /feedback/import': {
    method: 'POST',
    url: '/feedback/import',
    payload: [{ title: 'Down 2', externalId: 'down-2' }],
  },
  'POST /ingest/github/webhook': githubOpened(3),
};

describe('ingestion while Redis is down', () => {
  it('answers 503 with the envelope, acknowledges nothing, and takes the same request once Redis is back', async () => {
    expect((await call({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    process.kill(server.pid as number, 'SIGKILL');

    for (const [name, req] of Object.entries(requests)) {
      const started = Date.now();
      const res = await call(req);
      expect(res.statusCode, name).toBe(503);
      expect(res.json(), name).toEqual({
        error: { code: 'upstream_unavailable', message: 'Redis is not reachable; retry the request' },
      });
      expect(res.headers['retry-after'], name).toBe('1');
      expect(Date.now() - started, name).toBeLessThan(4_000);
    }

    server = await startServer();
    const first = await call(requests['POST /feedback'] as InjectOptions);
    expect(first.statusCode).toBe(201);
    const imported = await call(requests['POST /feedback/import'] as InjectOptions);
    expect(imported.json()).toMatchObject({ created: 1, duplicates: 0, rejected: 0 });
    expect((await call(requests['POST /ingest/github/webhook'] as InjectOptions)).statusCode).toBe(201);
    // Nothing from the refused requests was stored: each external id is there once.
    const listed = await call({ method: 'GET', url: '/feedback?limit=200' });
    const ids = (listed.json().items as Array<{ externalId: string }>).map((i) => i.externalId).sort();
    expect(ids).toEqual(['acme/down#3', 'down-1', 'down-2']);
  }, 60_000);
});
