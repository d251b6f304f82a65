import {
  AgentJob,
  type AgentJobListQuery,
  AgentJobStats,
  type AgentJobStatus,
  type ClusterStatus,
  ClusterStatus as ClusterStatusSchema,
} from '@fixloop/contracts';
import type { AgentJobFields, AgentJobLimits, AgentJobStore, JobAdmission } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { encodeCursor, positionOf, rankAfter } from './cursor.js';
import { jobHashFields } from './hash-fields.js';
import { keys } from './keys.js';

const ACTIVE = "st == 'queued' or st == 'running'";

/**
 * Admits a new job in one step: the cluster has no queued or running job, the project has fewer
 * than ARGV[3] of them, and fewer than ARGV[4] runs were admitted this month (counted here).
 * KEYS: cluster's active pointer, project's active set, month counter, job hash, jobs zset,
 * cluster's jobs zset. ARGV: job id, score, max concurrent, max per month, job key prefix,
 * counter ttl seconds, field, value, …
 */
const ADMIT = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local st = redis.call('HGET', ARGV[5] .. cur, 'status')
  if ${ACTIVE} then return {'cluster_busy', cur} end
end
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local st = redis.call('HGET', ARGV[5] .. id, 'status')
  if ${ACTIVE} then n = n + 1 else redis.call('SREM', KEYS[2], id) end
end
if n >= tonumber(ARGV[3]) then return {'concurrency', tostring(n)} end
local used = tonumber(redis.call('GET', KEYS[3]) or '0')
if used >= tonumber(ARGV[4]) then return {'monthly', tostring(used)} end
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[6]))
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[4], unpack(fields))
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1])
return {'ok', ARGV[1]}
`;

/**
 * Moves a job from one of the statuses in ARGV[1] (comma-separated) to ARGV[2]; leaving the
 * active statuses frees the cluster's pointer and the project's concurrency slot.
 * KEYS: job hash, project's active set, cluster's active pointer. ARGV: from, to, job id, field, value, …
 */
const TRANSITION = `
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 0 end
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do
  if s == st then allowed = true end
end
if not allowed then return 0 end
local fields = {'status', ARGV[2]}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
if ARGV[2] ~= 'queued' and ARGV[2] ~= 'running' then
  redis.call('SREM', KEYS[2], ARGV[3])
  if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
end
return 1
`;

/** Keep a month's counter a little over a year: usage reports read past months. */
const USAGE_TTL_SECONDS = 400 * 24 * 3600;

/** Agent jobs as hashes, indexed per project and per cluster, with atomic admission and transitions. */
export class RedisAgentJobStore implements AgentJobStore {
  constructor(private readonly redis: Redis) {}

  async create(projectId: string, job: AgentJob, limits: AgentJobLimits): Promise<JobAdmission> {
    const [outcome, value] = (await this.redis.eval(
      ADMIT,
      6,
      keys.clusterActiveAgentJob(projectId, job.clusterId),
      keys.agentJobsActive(projectId),
      keys.agentRunsUsage(projectId, limits.month),
      keys.agentJob(projectId, job.id),
      keys.agentJobs(projectId),
      keys.clusterAgentJobs(projectId, job.clusterId),
      job.id,
      String(Date.parse(job.createdAt)),
      String(limits.maxConcurrent),
      String(limits.maxPerMonth),
      keys.agentJob(projectId, ''),
      String(USAGE_TTL_SECONDS),
      ...jobHashFields(job),
    )) as [string, string];
    switch (outcome) {
      case 'ok':
        return { ok: true, job };
      case 'cluster_busy':
        return { ok: false, reason: 'cluster_busy', activeJobId: value };
      case 'concurrency':
        return { ok: false, reason: 'concurrency', limit: limits.maxConcurrent };
      default:
        return { ok: false, reason: 'monthly', limit: limits.maxPerMonth };
    }
  }

  async get(projectId: string, jobId: string): Promise<AgentJob | null> {
    return decodeJob(await this.redis.hgetall(keys.agentJob(projectId, jobId)));
  }

  async list(
    projectId: string,
    query: AgentJobListQuery,
  ): Promise<{ items: AgentJob[]; nextCursor?: string }> {
    const index =
      query.clusterId === undefined
        ? keys.agentJobs(projectId)
        : keys.clusterAgentJobs(projectId, query.clusterId);
    let start = query.cursor === undefined ? 0 : await rankAfter(this.redis, index, positionOf(query.cursor));
    const items: AgentJob[] = [];
    let last: { score: number; id: string } | undefined;
    // A status filter reads on until the page is full or the index ends.
    for (;;) {
      const window = Math.max(query.limit * 2, 50);
      const flat = await this.redis.zrange(index, start, start + window - 1, 'REV', 'WITHSCORES');
      if (flat.length === 0) return { items };
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        ids.push(flat[i] as string);
        scores.push(Number(flat[i + 1]));
      }
      const p = this.redis.pipeline();
      for (const id of ids) p.hgetall(keys.agentJob(projectId, id));
      const hashes = (await p.exec()) ?? [];
      for (let i = 0; i < ids.length; i++) {
        const job = decodeJob(hashes[i]?.[1] as Record<string, string>);
        last = { score: scores[i] as number, id: ids[i] as string };
        if (job && (query.status === undefined || job.status === query.status)) {
          items.push(job);
          if (items.length === query.limit) {
            const more = start + i + 1 < (await this.redis.zcard(index));
            return more ? { items, nextCursor: encodeCursor(last) } : { items };
          }
        }
      }
      start += ids.length;
      if (ids.length < window) return { items };
    }
  }

  async transition(
    projectId: string,
    jobId: string,
    from: readonly AgentJobStatus[],
    status: AgentJobStatus,
    fields: AgentJobFields = {},
  ): Promise<AgentJob | null> {
    const clusterId = await this.redis.hget(keys.agentJob(projectId, jobId), 'clusterId');
    if (clusterId === null) return null;
    const moved = await this.redis.eval(
      TRANSITION,
      3,
      keys.agentJob(projectId, jobId),
      keys.agentJobsActive(projectId),
      keys.clusterActiveAgentJob(projectId, clusterId),
      from.join(','),
      status,
      jobId,
      ...jobHashFields(fields),
    );
    return moved === 1 ? this.get(projectId, jobId) : null;
  }

  async setFields(projectId: string, jobId: string, fields: AgentJobFields): Promise<void> {
    const flat = jobHashFields(fields);
    if (flat.length === 0) return;
    // Only an existing job: a late write after a trim must not leave a stub hash behind.
    if ((await this.redis.exists(keys.agentJob(projectId, jobId))) === 1) {
      await this.redis.hset(keys.agentJob(projectId, jobId), ...flat);
    }
  }

  async rememberClusterStatus(projectId: string, jobId: string, status: ClusterStatus): Promise<void> {
    await this.redis.hset(keys.agentJob(projectId, jobId), 'previousClusterStatus', status);
  }

  async previousClusterStatus(projectId: string, jobId: string): Promise<ClusterStatus | null> {
    const v = await this.redis.hget(keys.agentJob(projectId, jobId), 'previousClusterStatus');
    const parsed = ClusterStatusSchema.safeParse(v);
    return parsed.success ? parsed.data : null;
  }
}

function decodeJob(h: Record<string, string> | undefined): AgentJob | null {
  if (!h?.id) return null;
  let stats: AgentJobStats = {};
  try {
    const parsed = AgentJobStats.safeParse(JSON.parse(h.stats ?? '{}'));
    if (parsed.success) stats = parsed.data;
  } catch {
    // no stats
  }
  const candidate = {
    id: h.id,
    projectId: h.projectId,
    clusterId: h.clusterId,
    planId: h.planId,
    runner: h.runner,
    status: h.status,
    branch: h.branch,
    prUrl: h.prUrl,
    commitSha: h.commitSha,
    error: h.error,
    stats,
    retryOf: h.retryOf,
    startedBy: h.startedBy,
    createdAt: h.createdAt,
    startedAt: h.startedAt,
    finishedAt: h.finishedAt,
  };
  const parsed = AgentJob.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
