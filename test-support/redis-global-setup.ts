import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../apps/server/src/infra/managed-redis.js';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One throwaway redis-server for the whole run, on a free port; never a Redis the run did not start. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-test-redis-'));
  const port = await freePort();
  const server = await startRedisServer({ bin: 'redis-server', dir, listen: { port }, appendOnly: false });
  project.provide('redisUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
