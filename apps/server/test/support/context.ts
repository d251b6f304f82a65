import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { createRedis } from '../../src/infra/redis.js';
import { type Role, type Runtime, startRuntime } from '../../src/runtime.js';

export interface TestContext {
  app: FastifyInstance;
  runtime: Runtime;
  config: Config;
  adminToken: string;
  /** A unique suffix for this context, for names that must not collide across tests. */
  tag: string;
  request(opts: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>;
  /** Creates a project through the API; answers its id and first key. */
  createProject(name?: string): Promise<{ id: string; apiKey: string }>;
  close(): Promise<void>;
}

/**
 * A real API on the run's throwaway Redis, with its own BullMQ prefix and data dir. Projects are
 * created per test, so tests never share data; the `default` project is shared, so tests on it
 * use unique external ids.
 */
let flushed = false;

/**
 * Test files that run in parallel use separate Redis databases (one per vitest worker), so the
 * workers a context starts never pick up another file's projects when they resume unfinished
 * clustering. A file starts from an empty database.
 */
async function contextRedisUrl(): Promise<string> {
  const db = ((Number(process.env.VITEST_POOL_ID ?? '1') - 1) % 15) + 1;
  const url = `${inject('redisUrl')}/${db}`;
  if (!flushed) {
    const redis = createRedis(url);
    await redis.flushdb();
    redis.disconnect();
    flushed = true;
  }
  return url;
}

export interface TestContextOptions {
  /** The runtime's logger (default: pino at `LOG_LEVEL`); tests capture log lines with their own. */
  log?: Logger;
  /** Default `api`, or `all` when `env.ROLE` says so. A `worker` context has no `app`: use `runtime`. */
  role?: Role;
}

export async function createTestContext(
  env: Record<string, string> = {},
  opts: TestContextOptions = {},
): Promise<TestContext> {
  const tag = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'fixloop-test-'));
  const redisUrl = await contextRedisUrl();
  // One admin key per database: an explicit ADMIN_TOKEN revokes every other admin key, so a context
  // with a different one would lock out the other contexts of its file.
  const adminToken = `test-admin-${createHash('sha256').update(redisUrl).digest('hex').slice(0, 32)}`;
  const config = loadConfig({
    REDIS_URL: redisUrl,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    SECRETS_KEY: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: `test-${tag}`,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await startRuntime(
    config,
    opts.log ?? pino({ level: config.logLevel }),
    opts.role ?? (env.ROLE === 'all' ? 'all' : 'api'),
    {
      listen: false,
    },
  );
  const app = runtime.app as FastifyInstance;
  const request: TestContext['request'] = ({ token, ...opts }) => {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    const t = token === undefined ? adminToken : token;
    if (t !== null) headers.authorization = `Bearer ${t}`;
    return app.inject({ ...opts, headers });
  };
  return {
    app,
    runtime,
    config,
    adminToken,
    tag,
    request,
    async createProject(name = `Test ${tag} ${randomBytes(3).toString('hex')}`) {
      const res = await request({ method: 'POST', url: '/projects', payload: { name } });
      if (res.statusCode !== 201) throw new Error(`project creation failed: ${res.statusCode} ${res.body}`);
      const body = res.json() as { project: { id: string }; apiKey: string };
      return { id: body.project.id, apiKey: body.apiKey };
    },
    async close() {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
