/**
 * `npm run migrate -- --from-legacy [--dry-run] [--delete-legacy]`: moves the seed system's global
 * Redis layout into the `default` project (see docs/migration.md). It uses the server's Redis: the
 * one `REDIS_URL` names, else the managed Redis of `DATA_DIR` while the server runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../apps/server/src/config.js';
import { pingRedis, socketPathFor } from '../apps/server/src/infra/managed-redis.js';
import { createRedis } from '../apps/server/src/infra/redis.js';
import { formatReport, MigrationBusyError, migrateLegacy } from '../packages/store/src/legacy/index.js';

const USAGE = `usage: npm run migrate -- --from-legacy [--dry-run] [--delete-legacy]

  --from-legacy    move the seed system's global keys (feedback:*, cluster:*, job:*, …) into the
                   "default" project; a rerun changes nothing, a run after a crash finishes the job
  --dry-run        read and convert everything, write nothing, print what would happen
  --delete-legacy  afterwards, delete the legacy keys whose record is verified in the new layout`;

class UsageError extends Error {}

/** An error after the migration started writing: rerunning finishes what it began. */
class InterruptedError extends Error {}

/** The server's Redis: REDIS_URL, else the managed one of DATA_DIR when it answers. */
async function redisUrlOf(config: ReturnType<typeof loadConfig>): Promise<string> {
  if (config.redisUrl !== undefined) return config.redisUrl;
  const dir = resolve(config.dataDir, 'redis');
  const file = join(dir, 'redis.url');
  const url = existsSync(file) ? readFileSync(file, 'utf8').trim() : `unix://${socketPathFor(dir)}`;
  const state = url.startsWith('unix://') ? await pingRedis({ path: url.slice('unix://'.length) }) : 'pong';
  if (state === 'pong') return url;
  throw new Error(
    state === 'loading'
      ? `the managed Redis of ${dir} is still loading its data; try again in a moment`
      : `no Redis reachable: REDIS_URL is unset and the managed Redis of DATA_DIR (${dir}) is not running.\n` +
          'Start the server (npm start; the migration may run while it is up) or set REDIS_URL.',
  );
}

/** A URL fit to print: no password. */
function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

async function connect(url: string): Promise<Redis> {
  const redis = createRedis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `cannot reach Redis at ${redacted(url)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function args() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        'from-legacy': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'delete-legacy': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

async function main(): Promise<void> {
  const values = args();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values['from-legacy']) throw new UsageError('say what to migrate from: --from-legacy');
  const config = loadConfig();
  const url = await redisUrlOf(config);
  const redis = await connect(url);
  // The cluster store moves members in WATCHed transactions, on a connection of their own.
  const tx = await connect(url);
  try {
    console.log(`Redis: ${redacted(url)}`);
    const report = await migrateLegacy(redis, tx, {
      dryRun: values['dry-run'] === true,
      deleteLegacy: values['delete-legacy'] === true,
      ignorePrefixes: [`${config.queuePrefix}:`],
    }).catch((err: unknown) => {
      if (err instanceof MigrationBusyError) throw err;
      throw new InterruptedError(err instanceof Error ? err.message : String(err));
    });
    for (const line of formatReport(report)) console.log(line);
  } finally {
    redis.disconnect();
    tx.disconnect();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(`migrate: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof MigrationBusyError) {
    console.error(`migrate: ${err.message}`);
    process.exit(3);
  }
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof InterruptedError) {
    console.error('Nothing is lost: run the same command again to finish (each record is written once).');
  }
  process.exit(1);
});
