import type { ClusterJob } from '@fixloop/contracts';
import { ClusteringBusyError, type JobOutcome, runClusteringJob } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import { isRedisUnavailable } from '../infra/redis.js';
import { JOBS } from './catalog.js';
import { type JobOutcomes, measureJob, requestBinding } from './measure-job.js';

const outcomes: JobOutcomes<{ status: ClusterJob['status'] | 'missing' }> = {
  of: ({ status }): JobOutcome => (status === 'succeeded' || status === 'failed' ? status : 'skipped'),
  ofError: (err) => (err instanceof ClusteringBusyError ? 'busy' : 'error'),
};

/**
 * Processes `clustering.run`: one clustering job record under the project's lock. The run records
 * its own failures on the job; only "another worker holds the lock" is thrown, so BullMQ retries it.
 */
export function startClusteringWorker(c: Container, connection: Redis): Worker {
  const worker = new Worker(
    JOBS.clusteringRun.queue,
    async (job) =>
      measureJob(c.metrics, JOBS.clusteringRun.name, outcomes, () => {
        const payload = JOBS.clusteringRun.payload.safeParse(job.data);
        if (!payload.success) throw new UnrecoverableError('clustering.run: bad payload');
        const { projectId, clusterJobId, requestId } = payload.data;
        const log = c.log.child({
          jobId: job.id,
          job: JOBS.clusteringRun.name,
          projectId,
          clusterJobId,
          ...requestBinding(requestId),
        });
        const work = async () => {
          try {
            const done = await runClusteringJob({ ...c.clusteringDeps, log }, projectId, clusterJobId);
            return { status: done?.status ?? ('missing' as const) };
          } catch (err) {
            // Busy, or Redis unreachable: BullMQ tries again every second (the run is crash-safe).
            if (err instanceof ClusteringBusyError || isRedisUnavailable(err)) throw err;
            log.error({ err }, 'clustering run crashed');
            throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
          }
        };
        return { log, requestId, work };
      }),
    {
      connection,
      prefix: c.config.queuePrefix,
      concurrency: 2,
      // A dead worker's job is redelivered about when its clustering lock expires.
      lockDuration: c.config.clustering.lockTtlMs,
      stalledInterval: c.config.clustering.lockTtlMs,
    },
  );
  worker.on('failed', (job, err) => {
    if (!(err instanceof ClusteringBusyError))
      c.log.warn({ jobId: job?.id, ...requestBinding(job?.data?.requestId), err }, 'clustering.run failed');
  });
  return worker;
}
