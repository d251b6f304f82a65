import { prepareIssueTexts } from '@fixloop/clustering';
import { type ClusterJob, emptyClusterJobStats, type FeedbackItem } from '@fixloop/contracts';
import { UpstreamError } from '../errors.js';
import { apartViolations } from './constraints.js';
import type { ClusteringDeps } from './deps.js';
import { thresholdOf } from './deps.js';
import type { ClusterVectorState, ItemMove, NewClusterInit } from './ports.js';
import { reclusterAll } from './recluster.js';
import { isStale, requestClustering } from './request.js';
import { refreshDigests } from './summaries.js';
import { writeEngineMoves } from './write-moves.js';

export type Stats = ClusterJob['stats'];

/** Raised when the lock could not be taken: the queue retries the job later. */
export class ClusteringBusyError extends Error {
  override readonly name = 'ClusteringBusyError';
}

/** Raised when the lock was lost mid-run (another worker took over after a stall). */
class LockLostError extends Error {}

/**
 * Picks up where stopped processes left off: fails jobs whose runner died (expired lock) and asks
 * for a run wherever reports wait or a job is pending. Called when a worker starts.
 */
export async function resumeClustering(deps: ClusteringDeps, projectIds: string[]): Promise<number> {
  let resumed = 0;
  for (const projectId of projectIds) {
    const active = await deps.jobs.active(projectId);
    const waiting = await deps.feedback.countUnclustered(projectId);
    if (!active && waiting === 0) continue;
    const job = await requestClustering(deps, projectId, { delayMs: 0 });
    // A pending job may have lost its queue entry with the process that queued it.
    if (job.status === 'pending') await deps.scheduler.enqueueClustering(projectId, job.id, 0);
    resumed++;
  }
  return resumed;
}

/**
 * Runs one clustering job under the project's lock: embeds the unclustered reports round by round,
 * joins them to existing clusters or forms new ones, and writes each round in small atomic steps,
 * each of which also takes its reports out of the unclustered set; a crash at any moment leaves
 * every report either written or still waiting, never both and never twice. Ends by refreshing
 * titles and summaries and, when reports arrived meanwhile, by queueing a follow-up run.
 */
export async function runClusteringJob(
  deps: ClusteringDeps,
  projectId: string,
  jobId: string,
): Promise<ClusterJob | null> {
  const job = await deps.jobs.get(projectId, jobId);
  if (!job || job.status === 'succeeded' || job.status === 'failed') return job;
  if (job.status === 'running') {
    // Redelivered after a worker died: take over once its lock has expired, else wait for it.
    if (!(await isStale(deps, projectId, job)))
      throw new ClusteringBusyError(`job ${job.id} is running elsewhere`);
    await requestClustering(deps, projectId, { kind: job.kind, delayMs: 0 });
    return deps.jobs.get(projectId, job.id);
  }
  const token = deps.newId();
  if (!(await deps.jobs.acquireLock(projectId, token, deps.settings.lockTtlMs))) {
    throw new ClusteringBusyError(`project ${projectId} is being clustered by another worker`);
  }
  const log = withJob(deps, projectId, job.id);
  const started = deps.now();
  await deps.jobs.update(projectId, job.id, {
    status: 'running',
    startedAt: started.toISOString(),
    heartbeatAt: started.toISOString(),
  });
  let lockLost = false;
  const beat = async () => {
    const ok = await deps.jobs.renewLock(projectId, token, deps.settings.lockTtlMs);
    if (!ok) lockLost = true;
    else await deps.jobs.update(projectId, job.id, { heartbeatAt: deps.now().toISOString() });
  };
  const setI = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const clearI = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const timer = setI(() => {
    beat().catch((err: unknown) => log.warn({ err }, 'clustering heartbeat failed'));
  }, deps.settings.heartbeatMs);
  timer.unref?.();

  const stats: Stats = emptyClusterJobStats();
  const checkLock = () => {
    if (lockLost) throw new LockLostError('the clustering lock was lost; another worker took over');
  };
  let error: unknown;
  try {
    const stored = await deps.clusters.getRepresentation(projectId);
    const kind =
      job.kind === 'recluster' || (stored !== null && stored !== deps.representation.id)
        ? 'recluster'
        : 'incremental';
    if (kind === 'recluster') await reclusterAll(deps, projectId, stats, checkLock);
    else await runIncremental(deps, projectId, stats, checkLock);
    await deps.clusters.setRepresentation(projectId, deps.representation.id);
  } catch (err) {
    error = err;
  } finally {
    clearI(timer);
    // The lock goes before the job record says it ended: a run queued the moment this one is
    // seen to end must find the project free, not wait out a busy retry.
    await deps.jobs.releaseLock(projectId, token);
  }
  stats.seconds = round((deps.now().getTime() - started.getTime()) / 1000);
  const failed = error !== undefined;
  if (failed) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.jobs.finish(projectId, job.id, {
      status: 'failed',
      finishedAt: deps.now().toISOString(),
      stats,
      error: message,
    });
    log.error({ err: error, ...stats }, 'clustering job failed');
  } else {
    await deps.jobs.finish(projectId, job.id, {
      status: 'succeeded',
      finishedAt: deps.now().toISOString(),
      stats,
    });
    log.info({ ...stats }, 'clustering job succeeded');
  }
  await followUp(deps, projectId, failed || stats.embeddingFailures > 0);
  return deps.jobs.get(projectId, job.id);
}

async function followUp(deps: ClusteringDeps, projectId: string, backOff: boolean): Promise<void> {
  const asked = await deps.jobs.takeFollowUp(projectId);
  const waiting = await deps.feedback.countUnclustered(projectId);
  if (asked === null && waiting === 0) return;
  await requestClustering(deps, projectId, {
    kind: asked ?? 'incremental',
    delayMs: backOff ? deps.settings.retryDelayMs : deps.settings.debounceMs,
  });
}

/** Rounds of: take a batch of unclustered reports, embed, assign, write. */
async function runIncremental(
  deps: ClusteringDeps,
  projectId: string,
  stats: Stats,
  checkLock: () => void,
): Promise<void> {
  let states = await deps.clusters.vectorStates(projectId);
  const touched = new Set<string>();
  const failedIds = new Set<string>();
  for (;;) {
    checkLock();
    const batch = (
      await deps.feedback.getUnclusteredFeedback(projectId, deps.settings.batchSize + failedIds.size)
    ).filter((i) => !failedIds.has(i.id));
    if (batch.length === 0) break;
    const open = batch.filter((i) => i.status === 'open');
    const closed = batch.filter((i) => i.status !== 'open').map((i) => i.id);
    if (closed.length > 0) await deps.feedback.removeFromUnclustered(projectId, closed);
    if (open.length === 0) continue;
    const items = open.slice(0, deps.settings.batchSize);
    let vectors: Float32Array[];
    try {
      vectors = await deps.representation.vectorize(
        projectId,
        prepareIssueTexts(items, deps.settings.truncateBodyChars),
      );
    } catch (err) {
      if (!(err instanceof UpstreamError) || !err.retryable) throw err;
      stats.embeddingFailures += items.length;
      for (const i of items) failedIds.add(i.id);
      deps.log.warn(
        { projectId, err, count: items.length },
        'embedding failed; these reports wait for a later run',
      );
      continue;
    }
    checkLock();
    const written = await assignAndWrite(deps, projectId, items, vectors, states, stats, checkLock);
    for (const id of written.touched) touched.add(id);
    // Reports the write had to leave (their target vanished meanwhile) wait for the follow-up run.
    for (const id of written.left) failedIds.add(id);
    states = written.states;
  }
  stats.updatedClusters = [...touched].length - stats.newClusters;
  await refreshDigests(deps, projectId, [...touched]);
}

/** Assigns one embedded batch and writes it in atomic steps; answers the cluster states after the write. */
export async function assignAndWrite(
  deps: ClusteringDeps,
  projectId: string,
  items: FeedbackItem[],
  vectors: Float32Array[],
  states: ClusterVectorState[],
  stats: Stats,
  checkLock: () => void = () => {},
): Promise<{ touched: string[]; states: ClusterVectorState[]; left: string[] }> {
  const { targets, groups } = await deps.engine.assign({
    clusters: states.map((s) => ({ sum: s.sum, size: s.size })),
    vectors,
    simThreshold: thresholdOf(deps),
    method: deps.settings.method,
  });
  const groupIds = Array.from({ length: groups }, () => deps.newId());
  const wanted = targets.map((t) =>
    'existing' in t ? (states[t.existing] as ClusterVectorState).id : (groupIds[t.group] as string),
  );
  // Reports that a human split away from a cluster never go back to it.
  for (const i of await apartViolations(deps, projectId, items, wanted)) {
    const fresh = deps.newId();
    groupIds.push(fresh);
    wanted[i] = fresh;
  }
  const newIds = new Set(groupIds);
  const newClusters: Record<string, NewClusterInit> = {};
  const moves: ItemMove[] = items.map((item, i) => {
    const to = wanted[i] as string;
    if (newIds.has(to) && !newClusters[to])
      newClusters[to] = { title: item.title || item.body.slice(0, 120) };
    return { itemId: item.id, to, vector: vectors[i] as Float32Array };
  });
  const result = await writeEngineMoves(deps, projectId, moves, newClusters, checkLock);
  const created = result.touchedClusters.filter((id) => newIds.has(id));
  stats.clustered += result.moved.length - result.skipped.filter((s) => s.reason === 'pinned').length;
  stats.newClusters += created.length;
  // The states after the write: the sums of the clusters that grew are copied and grown, new
  // clusters join, the others are shared with the previous round (copying them all would be
  // clusters × dimensions floats per round, on the event loop).
  const byId = new Map(states.map((s) => [s.id, s]));
  const grown = new Set<string>();
  const movedSet = new Set(result.moved);
  const skippedPinned = new Set(result.skipped.filter((s) => s.reason === 'pinned').map((s) => s.itemId));
  moves.forEach((m) => {
    if (!movedSet.has(m.itemId) || skippedPinned.has(m.itemId) || m.to === null || !m.vector) return;
    let s = byId.get(m.to);
    if (!s || !grown.has(m.to)) {
      s = s
        ? { id: s.id, size: s.size, sum: s.sum.slice() }
        : { id: m.to, size: 0, sum: new Float32Array(m.vector.length) };
      byId.set(m.to, s);
      grown.add(m.to);
    }
    s.size++;
    for (let k = 0; k < s.sum.length; k++) s.sum[k] = (s.sum[k] as number) + (m.vector[k] as number);
  });
  for (const id of result.deletedClusters) byId.delete(id);
  const next = [...byId.values()];
  stats.singletons = next.filter((s) => s.size < deps.settings.minClusterSize).length;
  const left = result.skipped.filter((s) => s.reason !== 'pinned').map((s) => s.itemId);
  return { touched: result.touchedClusters, states: next, left };
}

function withJob(deps: ClusteringDeps, projectId: string, jobId: string) {
  const log = deps.log;
  const bind = (obj: object) => ({ projectId, clusterJobId: jobId, ...obj });
  return {
    info: (o: object, m?: string) => log.info(bind(o), m),
    warn: (o: object, m?: string) => log.warn(bind(o), m),
    error: (o: object, m?: string) => log.error(bind(o), m),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
