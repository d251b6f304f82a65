import { keys } from '@fixloop/store';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** What the store holds, read straight from Redis (the API could hide a duplicate; the keys cannot). */
export interface Snapshot {
  /** `source\u0000externalId` → every stored feedback id with that identity. */
  byIdentity: Map<string, string[]>;
  items: Map<string, { source: string; externalId: string; clusterId: string; status: string; held: string }>;
  /** Feedback ids in the created index without a hash. */
  dangling: string[];
  unclustered: string[];
  clusters: Map<string, { members: string[]; size: number }>;
  clusterJobs: Map<string, string>;
  activeClusterJob: string | null;
  agentJobs: Map<string, string>;
  clusteringQueue: number;
}

export const identity = (source: string, externalId: string) => `${source}\u0000${externalId}`;

const CHUNK = 500;

async function hashes(redis: Redis, names: string[], fields: string[]): Promise<Array<Array<string | null>>> {
  const out: Array<Array<string | null>> = [];
  for (let i = 0; i < names.length; i += CHUNK) {
    const p = redis.pipeline();
    for (const name of names.slice(i, i + CHUNK)) p.hmget(name, ...fields);
    for (const [err, row] of (await p.exec()) ?? []) {
      if (err) throw err;
      out.push(row as Array<string | null>);
    }
  }
  return out;
}

/** Reads every item, cluster and job of the project. */
export async function snapshot(redis: Redis, pid: string, queue: Queue): Promise<Snapshot> {
  const ids = await redis.zrange(keys.feedbackCreated(pid), 0, -1);
  const rows = await hashes(
    redis,
    ids.map((id) => keys.feedback(pid, id)),
    ['id', 'source', 'externalId', 'clusterId', 'status', 'held'],
  );
  const byIdentity = new Map<string, string[]>();
  const items: Snapshot['items'] = new Map();
  const dangling: string[] = [];
  ids.forEach((id, i) => {
    const [stored, source, externalId, clusterId, status, held] = rows[i] ?? [];
    if (!stored) {
      dangling.push(id);
      return;
    }
    const item = {
      source: source ?? '',
      externalId: externalId ?? '',
      clusterId: clusterId ?? '',
      status: status ?? '',
      held: held ?? '',
    };
    items.set(id, item);
    if (item.externalId === '') return;
    const key = identity(item.source, item.externalId);
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), id]);
  });

  const clusterIds = await redis.zrange(keys.clustersAll(pid), 0, -1);
  const clusters: Snapshot['clusters'] = new Map();
  const sizes = await hashes(
    redis,
    clusterIds.map((c) => keys.cluster(pid, c)),
    ['size'],
  );
  for (const [i, cid] of clusterIds.entries()) {
    const members = await redis.smembers(keys.clusterItems(pid, cid));
    clusters.set(cid, { members, size: Number(sizes[i]?.[0] ?? Number.NaN) });
  }

  const statuses = async (index: string, hashKey: (jid: string) => string) => {
    const jobIds = await redis.zrange(index, 0, -1);
    const st = await hashes(redis, jobIds.map(hashKey), ['status']);
    return new Map(jobIds.map((j, i) => [j, st[i]?.[0] ?? 'missing']));
  };
  const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
  return {
    byIdentity,
    items,
    dangling,
    unclustered: await redis.smembers(keys.feedbackUnclustered(pid)),
    clusters,
    clusterJobs: await statuses(keys.clusterJobs(pid), (j) => keys.clusterJob(pid, j)),
    activeClusterJob: await redis.get(keys.clusterJobActive(pid)),
    agentJobs: await statuses(keys.agentJobs(pid), (j) => keys.agentJob(pid, j)),
    clusteringQueue: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

const AGENT_ENDED = new Set(['succeeded', 'failed', 'cancelled']);
const CLUSTER_JOB_ENDED = new Set(['succeeded', 'failed']);

/** What still moves: empty once every report is clustered and every job has ended. */
export function stillMoving(s: Snapshot, expected: Iterable<string>): string[] {
  const out: string[] = [];
  const missing = [...expected].filter((k) => !s.byIdentity.has(k)).length;
  if (missing > 0) out.push(`${missing} acknowledged items not stored (yet)`);
  if (s.unclustered.length > 0) out.push(`${s.unclustered.length} reports waiting for clustering`);
  if (s.activeClusterJob !== null) out.push(`clustering job ${s.activeClusterJob} still active`);
  if (s.clusteringQueue > 0) out.push(`${s.clusteringQueue} clustering runs queued`);
  const agents = [...s.agentJobs].filter(([, st]) => !AGENT_ENDED.has(st));
  if (agents.length > 0)
    out.push(`${agents.length} agent jobs not ended (${agents.map(([, st]) => st).join(', ')})`);
  return out;
}

/** Every invariant the run promises; each breach is one line. */
export function violations(s: Snapshot, expected: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, label] of expected) {
    const stored = s.byIdentity.get(key);
    if (!stored) out.push(`lost: ${label} was acknowledged but is not stored`);
  }
  for (const [key, ids] of s.byIdentity) {
    if (ids.length > 1)
      out.push(`duplicate: ${key.replace('\u0000', ' ')} stored ${ids.length} times (${ids.join(', ')})`);
  }
  for (const id of s.dangling) out.push(`dangling: ${id} is indexed but has no hash`);

  const clusterOf = new Map<string, string>();
  for (const [cid, c] of s.clusters) {
    if (c.members.length === 0) out.push(`empty cluster ${cid}`);
    if (c.size !== c.members.length)
      out.push(`cluster ${cid}: size ${c.size} but ${c.members.length} members`);
    for (const id of c.members) {
      const other = clusterOf.get(id);
      if (other !== undefined) out.push(`item ${id} is in two clusters: ${other} and ${cid}`);
      clusterOf.set(id, cid);
      const item = s.items.get(id);
      if (!item) out.push(`cluster ${cid} holds ${id}, which is not stored`);
      else if (item.clusterId !== cid)
        out.push(`item ${id} is in cluster ${cid}'s set but says ${item.clusterId || 'none'}`);
    }
  }
  for (const [id, item] of s.items) {
    if (item.clusterId !== '' && clusterOf.get(id) !== item.clusterId)
      out.push(`item ${id} says cluster ${item.clusterId}, whose members do not include it`);
    if (item.clusterId === '' && item.status === 'open' && item.held !== '1')
      out.push(`item ${id} (${item.source} ${item.externalId}) is open but in no cluster`);
  }
  if (s.unclustered.length > 0) out.push(`${s.unclustered.length} reports still wait for clustering`);
  for (const [jid, st] of s.clusterJobs)
    if (!CLUSTER_JOB_ENDED.has(st)) out.push(`clustering job ${jid} is ${st}`);
  for (const [jid, st] of s.agentJobs) if (!AGENT_ENDED.has(st)) out.push(`agent job ${jid} is ${st}`);
  return out;
}

export function clusteringQueue(redis: Redis, prefix: string): Queue {
  return new Queue('clustering', { connection: redis, prefix });
}
