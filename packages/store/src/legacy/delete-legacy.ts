import type { Redis } from 'ioredis';
import { keys } from '../keys.js';
import type { RedisProjectStore } from '../redis-project-store.js';
import { membersOf } from './legacy-keyspace.js';
import { legacyNames } from './migrate-config.js';
import { type MigrationContext, migrationKeys } from './migration-context.js';
import type { DeletionReport } from './report.js';

const BATCH = 500;

/**
 * Deletes the legacy keys whose record is verified present in the new layout: a report whose hash
 * (or the report its alias names) exists, a cluster or job that exists or that the migration
 * recorded (a recluster may since have renamed or emptied a cluster), subreddits today's list has.
 * Index keys lose the entries of verified records and go once empty. Everything else stays.
 */
export async function deleteLegacy(
  ctx: MigrationContext,
  projects: RedisProjectStore,
): Promise<DeletionReport> {
  const { redis, space, projectId: pid } = ctx;
  const report: DeletionReport = {
    deleted: { feedback: 0, clusters: 0, jobs: 0, config: 0, indexes: 0 },
    indexEntriesRemoved: 0,
    kept: [],
  };
  const doomed: string[] = [];

  const feedbackIds = [...space.feedback.keys()].sort();
  const aliases = await redis.hgetall(migrationKeys.aliases);
  const feedbackOk = await verified(
    redis,
    feedbackIds,
    (p, id) => {
      p.hget(keys.feedback(pid, id), 'id');
      p.exists(keys.feedback(pid, aliases[id] ?? '\u0000'));
      p.sismember(migrationKeys.done('feedback'), id);
    },
    (r, id) => r[0] === id || r[1] === 1 || r[2] === 1,
  );
  for (const id of feedbackIds) {
    const key = space.feedback.get(id) as string;
    if (feedbackOk.has(id)) doomed.push(key);
    else report.kept.push({ key, reason: 'the report is not in the new layout' });
  }
  report.deleted.feedback = feedbackOk.size;

  const clusterIds = [...space.clusters.keys()].sort();
  const clustersOk = await verified(
    redis,
    clusterIds,
    (p, id) => {
      p.exists(keys.cluster(pid, id));
      p.sismember(migrationKeys.done('clusters'), id);
    },
    (r) => r[0] === 1 || r[1] === 1,
  );
  for (const id of clusterIds) {
    const e = space.clusters.get(id) as { hashKeys: string[]; itemKeys: string[] };
    const all = [...e.hashKeys, ...e.itemKeys];
    if (clustersOk.has(id) && e.hashKeys.length > 0) {
      doomed.push(...all);
      report.deleted.clusters++;
    } else for (const key of all) report.kept.push({ key, reason: 'the cluster is not in the new layout' });
  }

  const jobIds = [...space.jobs.keys()].sort();
  const jobsOk = await verified(
    redis,
    jobIds,
    (p, id) => {
      p.exists(keys.agentJob(pid, id));
      p.sismember(migrationKeys.done('jobs'), id);
    },
    (r) => r[0] === 1 || r[1] === 1,
  );
  for (const id of jobIds) {
    const e = space.jobs.get(id) as { hashKey?: string; logKeys: string[] };
    const all = [...(e.hashKey ? [e.hashKey] : []), ...e.logKeys];
    if (jobsOk.has(id) && e.hashKey !== undefined) {
      doomed.push(...all);
      report.deleted.jobs++;
    } else for (const key of all) report.kept.push({ key, reason: 'the job is not in the new layout' });
  }

  if (space.subreddits !== undefined) {
    const have = new Set((await projects.getSubreddits(pid)).map((s) => s.toLowerCase()));
    const names = (await legacyNames(ctx, space.subreddits)).map((s) => s.trim().replace(/^\/?r\//i, ''));
    if (have.size > 0 && names.every((n) => !/^[A-Za-z0-9_]{2,21}$/.test(n) || have.has(n.toLowerCase()))) {
      doomed.push(space.subreddits);
      report.deleted.config = 1;
    } else report.kept.push({ key: space.subreddits, reason: "today's list does not have these subreddits" });
  }
  for (const r of space.notRecords)
    report.kept.push({ key: r.key, reason: `a ${r.type} where a record was expected` });

  const ok = { feedback: feedbackOk, clusters: clustersOk, jobs: jobsOk };
  for (const ix of space.indexes) {
    const members = await membersOf(redis, ix.key, ix.type);
    const gone = members.filter((m) => ok[ix.lists].has(m));
    const left = members.length - gone.length;
    if (left === 0 || (ix.type !== 'zset' && ix.type !== 'set')) {
      if (left === 0) {
        doomed.push(ix.key);
        report.deleted.indexes++;
      } else report.kept.push({ key: ix.key, reason: `still lists ${left} records not in the new layout` });
      continue;
    }
    report.indexEntriesRemoved += gone.length;
    report.kept.push({ key: ix.key, reason: `still lists ${left} records not in the new layout` });
    if (!ctx.dryRun) {
      for (let s = 0; s < gone.length; s += BATCH) {
        const part = gone.slice(s, s + BATCH);
        if (ix.type === 'zset') await redis.zrem(ix.key, ...part);
        else await redis.srem(ix.key, ...part);
      }
    }
  }
  if (!ctx.dryRun)
    for (let s = 0; s < doomed.length; s += BATCH) await redis.del(...doomed.slice(s, s + BATCH));
  return report;
}

/** The ids whose pipelined checks pass, checked in batches. */
async function verified(
  redis: Redis,
  ids: string[],
  queue: (p: ReturnType<Redis['pipeline']>, id: string) => void,
  passes: (replies: unknown[], id: string) => boolean,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let s = 0; s < ids.length; s += BATCH) {
    const part = ids.slice(s, s + BATCH);
    const p = redis.pipeline();
    for (const id of part) queue(p, id);
    const replies = ((await p.exec()) ?? []).map(([, v]) => v);
    const per = replies.length / Math.max(1, part.length);
    part.forEach((id, i) => {
      if (passes(replies.slice(per * i, per * i + per), id)) out.add(id);
    });
  }
  return out;
}
