import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { DataDirBusyError, lockDataDir } from '../bootstrap.js';
import type { Config } from '../config.js';
import { pingRedis, type RedisServerHandle, socketPathFor, startRedisServer } from './managed-redis.js';
import { createRedis } from './redis.js';

export interface CliRedis {
  redis: Redis;
  /** Where it is, fit to print (no password). */
  where: string;
  /** Disconnects, and stops the managed Redis when this command started it. */
  close(): Promise<void>;
}

export class CliRedisError extends Error {
  override readonly name = 'CliRedisError';
}

/**
 * The Redis a command-line tool works on: `REDIS_URL` when set; else the managed Redis of
 * `DATA_DIR`, used as it is when it runs (the server's, left running), or started for the
 * duration of the command under the data-dir lock, so no server can start on it meanwhile.
 * `mayCreate`: a data dir without a managed Redis may be created (an import into a new install).
 */
export async function openCliRedis(config: Config, opts: { mayCreate: boolean }): Promise<CliRedis> {
  if (config.redisUrl !== undefined) return connect(config.redisUrl, async () => undefined);
  const dir = resolve(config.dataDir, 'redis');
  const socket = socketOf(dir);
  const state = await pingRedis({ path: socket });
  if (state === 'loading')
    throw new CliRedisError(`the managed Redis of ${dir} is still loading its data; try again in a moment`);
  if (state === 'pong') return connect(`unix://${socket}`, async () => undefined);

  if (!opts.mayCreate && !existsSync(dir)) {
    throw new CliRedisError(
      `REDIS_URL is unset and DATA_DIR (${resolve(config.dataDir)}) holds no managed Redis; set DATA_DIR or REDIS_URL`,
    );
  }
  mkdirSync(resolve(config.dataDir), { recursive: true, mode: 0o700 });
  let release: () => void;
  try {
    release = lockDataDir(config.dataDir);
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    throw new CliRedisError(
      `${err.message}. Its Redis does not answer yet (still starting?); try again once the server is up`,
    );
  }
  let server: RedisServerHandle;
  try {
    server = await startRedisServer({
      bin: config.redisServerBin,
      dir,
      listen: { socket: true },
      appendOnly: true,
      fsync: config.redisFsync,
    });
  } catch (err) {
    release();
    throw err;
  }
  const stop = async () => {
    // One that came up on its own meanwhile (adopted) is not ours to stop.
    if (!server.adopted) await server.stop();
    release();
  };
  const onSignal = () => {
    void stop().finally(() => process.exit(1));
  };
  const stopOnce = async () => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await stop();
  };
  // Interrupted, the command still stops the Redis it started and gives the data dir back.
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await connect(server.url, stopOnce);
  } catch (err) {
    await stopOnce();
    throw err;
  }
}

function socketOf(dir: string): string {
  const file = join(dir, 'redis.url');
  const recorded = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return recorded.startsWith('unix://') ? recorded.slice('unix://'.length) : socketPathFor(dir);
}

/** A URL fit to print: no password. */
function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

async function connect(url: string, after: () => Promise<void>): Promise<CliRedis> {
  const redis = createRedis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new CliRedisError(
      `cannot reach Redis at ${redacted(url)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return {
    redis,
    where: redacted(url),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await after();
    },
  };
}
