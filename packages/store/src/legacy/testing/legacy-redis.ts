import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startRedisServer } from '../../../../../apps/server/src/infra/managed-redis.js';
import { createRedis } from '../../../../../apps/server/src/infra/redis.js';
import { freePort } from '../../../../../test-support/free-port.js';

/**
 * A redis-server of the test's own: the legacy layout is global (no prefix to isolate it by) and
 * every database of the run's shared server is taken by other test files.
 */
export async function startLegacyRedis(): Promise<{
  url: string;
  redis: Redis;
  tx: Redis;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-legacy-redis-'));
  const server = await startRedisServer({
    bin: 'redis-server',
    dir,
    listen: { port: await freePort() },
    appendOnly: false,
  });
  const redis = createRedis(server.url);
  const tx = createRedis(server.url);
  return {
    url: server.url,
    redis,
    tx,
    async stop() {
      redis.disconnect();
      tx.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every key (matching `pattern`) with its type and content, streams without their time-based ids.
 * `rename` rewrites names and values first (to hide an id that differs between otherwise equal runs).
 */
export async function snapshot(
  redis: Redis,
  pattern = '*',
  rename: (s: string) => string = (s) => s,
): Promise<Map<string, string>> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    names.push(...batch);
  } while (cursor !== '0');
  const out = new Map<string, string>();
  for (const k of [...new Set(names)].sort()) {
    const type = await redis.type(k);
    let value: unknown;
    if (type === 'string') value = textOf(await redis.getBuffer(k));
    else if (type === 'hash')
      value = Object.entries(await redis.hgetall(k)).map(([f, v]) => [rename(f), rename(v)]);
    else if (type === 'zset')
      value = pairs(await redis.zrange(k, 0, -1, 'WITHSCORES')).map(([m, s]) => [rename(m), s]);
    else if (type === 'set') value = (await redis.smembers(k)).map(rename);
    else if (type === 'list') value = (await redis.lrange(k, 0, -1)).map(rename);
    else if (type === 'stream') value = (await redis.xrange(k, '-', '+')).map(([, fields]) => fields);
    if (type === 'string') value = rename(value as string);
    else if (type !== 'list' && type !== 'stream') (value as unknown[]).sort();
    out.set(rename(k), `${type} ${JSON.stringify(value)}`);
  }
  return out;
}

/** UTF-8 text when the bytes are valid UTF-8 (they round-trip), else hex. */
function textOf(b: Buffer | null): string {
  if (b === null) return '';
  const t = b.toString('utf8');
  return Buffer.from(t, 'utf8').equals(b) ? t : `hex:${b.toString('hex')}`;
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}

/** The keys whose content differs between two snapshots (added, removed or changed). */
export function diffKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const all = new Set([...a.keys(), ...b.keys()]);
  return [...all].filter((k) => a.get(k) !== b.get(k)).sort();
}
