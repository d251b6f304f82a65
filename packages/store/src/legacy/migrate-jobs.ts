import type { AgentJob } from '@fixloop/contracts';
import { keys } from '../keys.js';
import { RedisAgentJobStore } from '../redis-agent-job-store.js';
import { RedisJobLogStore } from '../redis-job-log-store.js';
import { convertJob } from './convert-job.js';
import { type MigrationContext, migrationKeys, type Progress } from './migration-context.js';
import { addNote, type KindTally } from './report.js';

const LOG_CHUNK = 1_000;

/**
 * Agent jobs in id order, keeping their ids: first the log (the store's log stream, rewritten from
 * scratch so a crash mid-append leaves no half log behind), then the job hash with the project's and
 * the cluster's job indexes in one transaction. The hash is written last, so it marks the job done.
 * The store's `create` is not used: it admits new runs (limits, the month's usage count, the active
 * set), none of which applies to a finished legacy job.
 */
export async function migrateJobs(
  ctx: MigrationContext,
  progress: Progress,
  tally: KindTally,
): Promise<void> {
  const { redis, projectId: pid, space } = ctx;
  const logs = new RedisJobLogStore(redis);
  const jobs = new RedisAgentJobStore(redis);
  const notRecords = space.notRecords.filter((r) => r.kind === 'jobs');
  for (const r of notRecords) tally.skipped.push({ key: r.key, reason: `a ${r.type}, not a hash` });
  tally.found = space.jobs.size + notRecords.length;

  for (const id of [...space.jobs.keys()].sort()) {
    const entry = space.jobs.get(id) as { hashKey?: string; logKeys: string[] };
    if (entry.hashKey === undefined) {
      tally.skipped.push({ key: entry.logKeys[0] as string, reason: 'a log without a job hash' });
      continue;
    }
    const key = entry.hashKey;
    const recorded = (await redis.sismember(migrationKeys.done('jobs'), id)) === 1;
    if (recorded || (await redis.exists(keys.agentJob(pid, id))) === 1) {
      tally.alreadyThere++;
      if (!ctx.dryRun && !recorded) await redis.sadd(migrationKeys.done('jobs'), id);
      continue;
    }
    const listed: string[] = [];
    for (const k of entry.logKeys) {
      if ((await redis.type(k)) === 'list') listed.push(...(await redis.lrange(k, 0, -1)));
      else addNote(tally, 'a job:{id}:logs key that is not a list was ignored', k);
    }
    const c = convertJob(id, await redis.hgetall(key), listed, { projectId: pid, now: ctx.now });
    if (!c.ok) {
      tally.skipped.push({ key, reason: c.reason });
      continue;
    }
    for (const n of c.notes) addNote(tally, n, key);
    const { job, lines } = c.value;
    if (!ctx.clusters.has(job.clusterId) && (await redis.exists(keys.cluster(pid, job.clusterId))) === 0) {
      addNote(tally, 'its cluster is not in the new layout', key);
    }
    tally.migrated++;
    if (ctx.dryRun) continue;

    await logs.delete(pid, id);
    for (let s = 0; s < lines.length; s += LOG_CHUNK)
      await logs.append(pid, id, lines.slice(s, s + LOG_CHUNK));
    await ctx.afterWrite('jobs', id);
    await writeJob(ctx, job);
    if ((await jobs.get(pid, id)) === null) throw new Error(`job ${id} was written but does not read back`);
    await redis.sadd(migrationKeys.done('jobs'), id);
    await ctx.afterWrite('jobs', id);
    await progress.finished('jobs', id);
  }
  await progress.complete('jobs');
}

/** The job hash (fields as the agent job store encodes them) and its two indexes, atomically. */
async function writeJob(ctx: MigrationContext, job: AgentJob): Promise<void> {
  const flat: string[] = [];
  for (const [k, v] of Object.entries(job)) {
    if (v !== undefined) flat.push(k, k === 'stats' ? JSON.stringify(v) : String(v));
  }
  const score = Date.parse(job.createdAt);
  const done = await ctx.redis
    .multi()
    .hset(keys.agentJob(ctx.projectId, job.id), ...flat)
    .zadd(keys.agentJobs(ctx.projectId), score, job.id)
    .zadd(keys.clusterAgentJobs(ctx.projectId, job.clusterId), score, job.id)
    .exec();
  for (const [err] of done ?? []) if (err) throw err;
}
