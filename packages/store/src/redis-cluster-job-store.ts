import { type ClusterJob, emptyClusterJobStats } from '@fixloop/contracts';
import type { ClusterJobStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { decodeCursor, encodeCursor } from './cursor.js';
import { jobHashFields } from './hash-fields.js';
import { keys } from './keys.js';

/**
 * Creates a pending job unless one is pending or running: the active pointer and the job hash are
 * read and written in one step, so two callers never start two jobs.
 * KEYS: active pointer, new job hash, jobs zset. ARGV: new job id, score, job key prefix, field, value, ...
 * Returns {created (0|1), job id}.
 */
const ENSURE_ACTIVE = `
local current = redis.call('GET', KEYS[1])
if current then
  local status = redis.call('HGET', ARGV[3] .. current, 'status')
  if status == 'pending' or status == 'running' then return {0, current} end
end
local args = {}
for i = 4, #ARGV do args[#args + 1] = ARGV[i] end
redis.call('HSET', KEYS[2], unpack(args))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1])
return {1, ARGV[1]}
`;

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const FINISH = `
local args = {}
for i = 2, #ARGV do args[#args + 1] = ARGV[i] end
if #args > 0 then redis.call('HSET', KEYS[1], unpack(args)) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

const JOBS_KEPT = 500;

export class RedisClusterJobStore implements ClusterJobStore {
  constructor(private readonly redis: Redis) {}

  async ensureActive(projectId: string, job: ClusterJob): Promise<{ job: ClusterJob; created: boolean }> {
    const [created, id] = (await this.redis.eval(
      ENSURE_ACTIVE,
      3,
      keys.clusterJobActive(projectId),
      keys.clusterJob(projectId, job.id),
      keys.clusterJobs(projectId),
      job.id,
      String(Date.parse(job.createdAt)),
      keys.clusterJob(projectId, ''),
      ...jobHashFields(job),
    )) as [number, string];
    if (created === 1) {
      await this.trim(projectId);
      return { job, created: true };
    }
    const existing = await this.get(projectId, id);
    return existing ? { job: existing, created: false } : this.ensureActive(projectId, job);
  }

  async get(projectId: string, id: string): Promise<ClusterJob | null> {
    return decodeJob(await this.redis.hgetall(keys.clusterJob(projectId, id)));
  }

  async list(
    projectId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: ClusterJob[]; nextCursor?: string }> {
    let start = 0;
    if (cursor) {
      const p = decodeCursor(cursor);
      const rank = p ? await this.redis.zrevrank(keys.clusterJobs(projectId), p.id) : null;
      start = rank === null ? 0 : rank + 1;
    }
    const flat = await this.redis.zrange(
      keys.clusterJobs(projectId),
      start,
      start + limit,
      'REV',
      'WITHSCORES',
    );
    const ids: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i] as string);
      scores.push(Number(flat[i + 1]));
    }
    const p = this.redis.pipeline();
    for (const id of ids.slice(0, limit)) p.hgetall(keys.clusterJob(projectId, id));
    const items = ((await p.exec()) ?? [])
      .map(([, h]) => decodeJob(h as Record<string, string>))
      .filter((j): j is ClusterJob => j !== null);
    if (ids.length <= limit) return { items };
    return {
      items,
      nextCursor: encodeCursor({ score: scores[limit - 1] as number, id: ids[limit - 1] as string }),
    };
  }

  async active(projectId: string): Promise<ClusterJob | null> {
    const id = await this.redis.get(keys.clusterJobActive(projectId));
    return id ? this.get(projectId, id) : null;
  }

  async update(projectId: string, id: string, fields: Partial<ClusterJob>): Promise<void> {
    const flat = jobHashFields(fields);
    if (flat.length > 0) await this.redis.hset(keys.clusterJob(projectId, id), ...flat);
  }

  async finish(projectId: string, id: string, fields: Partial<ClusterJob>): Promise<void> {
    await this.redis.eval(
      FINISH,
      2,
      keys.clusterJob(projectId, id),
      keys.clusterJobActive(projectId),
      id,
      ...jobHashFields(fields),
    );
  }

  async lastFinished(projectId: string): Promise<ClusterJob | null> {
    const { items } = await this.list(projectId, 20);
    return items.find((j) => j.status === 'succeeded' || j.status === 'failed') ?? null;
  }

  async acquireLock(projectId: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(keys.clusteringLock(projectId), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renewLock(projectId: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, keys.clusteringLock(projectId), token, String(ttlMs))) === 1;
  }

  async releaseLock(projectId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, keys.clusteringLock(projectId), token);
  }

  async isLocked(projectId: string): Promise<boolean> {
    return (await this.redis.exists(keys.clusteringLock(projectId))) === 1;
  }

  async requestFollowUp(projectId: string, kind: 'incremental' | 'recluster'): Promise<void> {
    if (kind === 'recluster') await this.redis.set(keys.clusteringFollowUp(projectId), kind);
    else await this.redis.set(keys.clusteringFollowUp(projectId), kind, 'NX');
  }

  async takeFollowUp(projectId: string): Promise<'incremental' | 'recluster' | null> {
    const v = await this.redis.getdel(keys.clusteringFollowUp(projectId));
    return v === 'recluster' ? 'recluster' : v === null ? null : 'incremental';
  }

  private async trim(projectId: string): Promise<void> {
    const excess = (await this.redis.zcard(keys.clusterJobs(projectId))) - JOBS_KEPT;
    if (excess <= 0) return;
    const old = await this.redis.zrange(keys.clusterJobs(projectId), 0, excess - 1);
    const tx = this.redis.multi().zrem(keys.clusterJobs(projectId), ...old);
    for (const id of old) tx.del(keys.clusterJob(projectId, id));
    await tx.exec();
  }
}

function decodeJob(h: Record<string, string> | undefined): ClusterJob | null {
  if (!h?.id) return null;
  let stats: ClusterJob['stats'] = emptyClusterJobStats();
  try {
    stats = { ...stats, ...(JSON.parse(h.stats ?? '{}') as object) };
  } catch {
    // keep the zeros
  }
  const job: ClusterJob = {
    id: h.id,
    projectId: h.projectId ?? '',
    kind: h.kind === 'recluster' ? 'recluster' : 'incremental',
    status: (['pending', 'running', 'succeeded', 'failed'] as const).find((s) => s === h.status) ?? 'pending',
    createdAt: h.createdAt ?? '',
    stats,
  };
  if (h.startedAt) job.startedAt = h.startedAt;
  if (h.finishedAt) job.finishedAt = h.finishedAt;
  if (h.heartbeatAt) job.heartbeatAt = h.heartbeatAt;
  if (h.error) job.error = h.error;
  return job;
}
