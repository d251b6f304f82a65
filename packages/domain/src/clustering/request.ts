import { type ClusterJob, emptyClusterJobStats } from '@fixloop/contracts';
import type { ClusteringDeps } from './deps.js';

/**
 * A running job is dead when its lock has expired: the runner renews the lock with every heartbeat,
 * so an expired lock means the process stopped (or lost Redis) for longer than the lock's TTL.
 */
export async function isStale(
  deps: Pick<ClusteringDeps, 'jobs'>,
  projectId: string,
  job: ClusterJob,
): Promise<boolean> {
  return job.status === 'running' && !(await deps.jobs.isLocked(projectId));
}

/**
 * Asks for a clustering run: answers the pending or running job, or creates and queues a new one
 * (never two at once). A run already in progress gets a follow-up, so reports that arrive during it
 * never wait for the next ingest. A running job with a stale heartbeat is failed and replaced.
 */
export async function requestClustering(
  deps: ClusteringDeps,
  projectId: string,
  opts: { kind?: ClusterJob['kind']; delayMs?: number } = {},
): Promise<ClusterJob> {
  const active = await deps.jobs.active(projectId);
  if (active && (await isStale(deps, projectId, active))) {
    await deps.jobs.finish(projectId, active.id, {
      status: 'failed',
      finishedAt: deps.now().toISOString(),
      error: 'the worker running this job stopped (its lock expired); its reports are run again',
    });
    deps.log.warn({ projectId, clusterJobId: active.id }, 'stale clustering job failed');
  }
  const candidate: ClusterJob = {
    id: deps.newId(),
    projectId,
    kind: opts.kind ?? 'incremental',
    status: 'pending',
    createdAt: deps.now().toISOString(),
    stats: emptyClusterJobStats(),
  };
  const { job, created } = await deps.jobs.ensureActive(projectId, candidate);
  const kind = opts.kind ?? 'incremental';
  if (created) {
    await deps.scheduler.enqueueClustering(projectId, job.id, opts.delayMs ?? deps.settings.debounceMs);
  } else if (job.status === 'running') {
    await deps.jobs.requestFollowUp(projectId, kind);
  } else {
    // Asked for now: a pending run waiting out a back-off (after embedding failures) starts at once.
    if (opts.delayMs === 0) await deps.scheduler.promoteClustering(projectId, job.id);
    // Else it is queued again, a no-op while its entry exists: the process that created the record
    // may have died before queueing it, and nothing else would ever run it.
    else await deps.scheduler.enqueueClustering(projectId, job.id, opts.delayMs ?? deps.settings.debounceMs);
    if (kind === 'recluster' && job.kind !== 'recluster') {
      // A pending run has not started yet: it becomes the recluster.
      await deps.jobs.update(projectId, job.id, { kind: 'recluster' });
      return { ...job, kind: 'recluster' };
    }
  }
  return job;
}

/**
 * The safety net under ingest's clustering requests, which are fire-and-forget and die with their
 * process: where reports wait and no job is active, asks for a run; a pending job is queued again
 * (a no-op while its entry exists); a running job whose worker died is failed and replaced.
 * Workers call it every few lock lifetimes. Answers how many projects needed a request.
 */
export async function sweepClustering(deps: ClusteringDeps, projectIds: string[]): Promise<number> {
  let asked = 0;
  for (const projectId of projectIds) {
    const active = await deps.jobs.active(projectId);
    if (active?.status === 'pending') {
      await deps.scheduler.enqueueClustering(projectId, active.id, deps.settings.debounceMs);
    } else if (
      active ? await isStale(deps, projectId, active) : (await deps.feedback.countUnclustered(projectId)) > 0
    ) {
      await requestClustering(deps, projectId);
      asked++;
    }
  }
  return asked;
}
