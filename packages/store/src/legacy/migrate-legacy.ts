import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisClusterJobStore } from '../redis-cluster-job-store.js';
import { RedisClusterStore } from '../redis-cluster-store.js';
import { RedisProjectStore } from '../redis-project-store.js';
import { deleteLegacy } from './delete-legacy.js';
import { scanLegacyKeyspace } from './legacy-keyspace.js';
import { LEGACY_REPRESENTATION, migrateClusters } from './migrate-clusters.js';
import { migrateSubreddits } from './migrate-config.js';
import { migrateFeedback } from './migrate-feedback.js';
import { migrateJobs } from './migrate-jobs.js';
import { type AfterWrite, type MigrationContext, migrationKeys, Progress } from './migration-context.js';
import { emptyTally, LEGACY_KINDS, type MigrationReport } from './report.js';

export interface MigrateLegacyOptions {
  /** The project that receives the legacy data (default `default`). */
  projectId?: string;
  /** Read and convert everything, write nothing. */
  dryRun?: boolean;
  /** Afterwards, delete the legacy keys whose record is verified present in the new layout. */
  deleteLegacy?: boolean;
  /** Key prefixes that belong to today's system besides the project keys (the queue prefix, `bull:`). */
  ignorePrefixes?: string[];
  /** Reports per read/write batch. */
  batchSize?: number;
  /** The migration's clock: `ingestedAt` of every migrated report, the end of interrupted jobs. */
  now?: () => Date;
  /** Called after every write step; a test throws from it to simulate a crash. */
  afterWrite?: AfterWrite;
  lockTtlMs?: number;
}

export class MigrationBusyError extends Error {
  override readonly name = 'MigrationBusyError';
}

const DEFAULT_PROJECT = 'default';

/**
 * Moves the seed system's global layout into one project's keys (see docs/migration.md). Every
 * write is idempotent by id, so a rerun writes nothing and a run after a crash finishes the job.
 * While it writes, it holds the project's clustering lock: no clustering run interleaves.
 */
export async function migrateLegacy(
  redis: Redis,
  tx: Redis,
  options: MigrateLegacyOptions = {},
): Promise<MigrationReport> {
  const started = performance.now();
  const projectId = options.projectId ?? DEFAULT_PROJECT;
  const dryRun = options.dryRun === true;
  const now = (options.now ?? (() => new Date()))();
  const space = await scanLegacyKeyspace(redis, options.ignorePrefixes ?? ['bull:']);
  const progress = await Progress.load(redis, dryRun);
  const report: MigrationReport = {
    projectId,
    dryRun,
    kinds: Object.fromEntries(LEGACY_KINDS.map((k) => [k, emptyTally()])) as MigrationReport['kinds'],
    unrecognized: space.unrecognized,
    resumedAfter: {},
    reclusterMarked: false,
    seconds: 0,
  };
  for (const k of LEGACY_KINDS) {
    const last = progress.lastOf(k);
    if (last !== undefined) report.resumedAfter[k] = last;
  }
  const ctx: MigrationContext = {
    redis,
    projectId,
    now,
    dryRun,
    batchSize: Math.max(1, options.batchSize ?? 500),
    space,
    resolved: new Map(),
    clusters: new Set(),
    placed: new Map(),
    afterWrite: options.afterWrite ?? (() => {}),
  };
  const projects = new RedisProjectStore(redis);
  const clusters = new RedisClusterStore(redis, tx);
  const lock = dryRun ? undefined : await takeLock(redis, projectId, options.lockTtlMs ?? 60_000);
  try {
    if (!dryRun && hasRecords(space)) {
      // What ensureDefaultProject does at start-up; any other project must exist already.
      if (projectId === DEFAULT_PROJECT) {
        await projects.create({ id: projectId, name: 'Default', createdAt: now.toISOString() });
        await projects.index(projectId);
      } else if ((await projects.get(projectId)) === null) {
        throw new Error(`project "${projectId}" does not exist`);
      }
    }
    await migrateFeedback(ctx, progress, report.kinds.feedback);
    await migrateClusters(ctx, clusters, progress, report.kinds.clusters, async () => {
      if (report.reclusterMarked) return;
      // Set before the first cluster write: a crash after it still leaves the project marked.
      await clusters.setRepresentation(projectId, LEGACY_REPRESENTATION);
      report.reclusterMarked = true;
    });
    if (dryRun && report.kinds.clusters.migrated > 0) report.reclusterMarked = true;
    await migrateJobs(ctx, progress, report.kinds.jobs);
    await migrateSubreddits(ctx, projects, report.kinds.config);
    if (options.deleteLegacy) report.deletion = await deleteLegacy(ctx, projects);
  } finally {
    await lock?.release();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function hasRecords(space: MigrationContext['space']): boolean {
  return space.feedback.size + space.clusters.size + space.jobs.size > 0 || space.subreddits !== undefined;
}

/**
 * The project's clustering lock for the duration of the run, renewed in the background. A lock
 * still held by an earlier run of the migration that crashed (its token is recorded) is taken over.
 */
async function takeLock(
  redis: Redis,
  projectId: string,
  ttlMs: number,
): Promise<{ release(): Promise<void> }> {
  const jobs = new RedisClusterJobStore(redis);
  const earlier = await redis.hget(migrationKeys.progress, 'lockToken');
  let token: string = randomUUID();
  if (!(await jobs.acquireLock(projectId, token, ttlMs))) {
    if (earlier === null || !(await jobs.renewLock(projectId, earlier, ttlMs))) {
      throw new MigrationBusyError(
        `project "${projectId}" is being clustered right now; stop the server's workers (or wait for the run to end) and try again`,
      );
    }
    token = earlier;
  }
  await redis.hset(migrationKeys.progress, 'lockToken', token);
  const timer = setInterval(
    () => {
      jobs.renewLock(projectId, token, ttlMs).catch(() => undefined);
    },
    Math.max(1_000, Math.floor(ttlMs / 4)),
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await jobs.releaseLock(projectId, token);
      await redis.hdel(migrationKeys.progress, 'lockToken');
    },
  };
}
