import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pingRedis, type RedisServerHandle, socketPathFor, startRedisServer } from './managed-redis.js';
import { createRedis } from './redis.js';
import { processAlive } from './redis-keeper.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-managed-redis-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function recorder() {
  const restarts: Array<{ pid: number; downMs: number; restarts: number }> = [];
  return {
    restarts,
    events: { onRestarted: (i: (typeof restarts)[0]) => restarts.push(i), onRestartFailed: () => {} },
  };
}

async function start(dir: string, keep?: ReturnType<typeof recorder>): Promise<RedisServerHandle> {
  const server = await startRedisServer({
    bin: 'redis-server',
    dir,
    listen: { socket: true },
    appendOnly: true,
    fsync: 'always',
    ...(keep ? { keepAlive: keep.events } : {}),
  });
  cleanups.push(() => server.stop());
  return server;
}

describe('a kept-alive managed Redis', () => {
  it('comes back on the same data after kill -9, with a new pid', async () => {
    const dir = tempDir();
    const keep = recorder();
    const server = await start(dir, keep);
    const first = server.pid as number;
    const redis = createRedis(server.url);
    redis.on('error', () => {}); // refused connections while the server is down
    cleanups.push(() => redis.disconnect());
    await redis.set('survives', 'yes');

    process.kill(first, 'SIGKILL');
    await until('the restart', () => keep.restarts.length === 1);
    expect(server.pid).not.toBe(first);
    expect(processAlive(server.pid as number)).toBe(true);
    expect(keep.restarts[0]).toMatchObject({ pid: server.pid, restarts: 1 });
    // The client's reconnect finds the restarted server and the acknowledged write.
    expect(await redis.get('survives')).toBe('yes');
  });

  it('keeps an adopted server alive too (its pid read from INFO)', async () => {
    const dir = tempDir();
    const original = await start(dir);
    const keep = recorder();
    const adopted = await start(dir, keep);
    expect(adopted.adopted).toBe(true);
    expect(adopted.pid).toBe(original.pid);

    process.kill(original.pid as number, 'SIGKILL');
    await until('the restart', () => keep.restarts.length === 1);
    expect(adopted.pid).not.toBe(original.pid);
    expect(await pingRedis({ path: socketPathFor(dir) })).toBe('pong');
  });

  it('stays down once stopped', async () => {
    const dir = tempDir();
    const keep = recorder();
    const server = await start(dir, keep);
    const pid = server.pid as number;
    await server.stop();
    expect(processAlive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(keep.restarts).toEqual([]);
    expect(await pingRedis({ path: socketPathFor(dir) })).toBe('down');
  });
});
