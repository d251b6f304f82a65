import { ClusteringBusyError, runClusteringJob } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import { JOBS } from './catalog.js';

/**
 * Processes `clustering.run`: one clustering job record under the project's lock. The run records
 * its own failures on the job; only "another worker holds the lock" is thrown, so BullMQ retries it.
 */
export function startClusteringWorker(c: Container, connection: Redis): Worker {
  const worker = new Worker(
    JOBS.clusteringRun.queue,
    async (job) => {
      const payload = JOBS.clusteringRun.payload.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError('clustering.run: bad payload');
      const { projectId, clusterJobId } = payload.data;
      const log = c.log.child({ jobId: job.id, job: JOBS.clusteringRun.name, projectId, clusterJobId });
      try {
        const done = await runClusteringJob({ ...c.clusteringDeps, log }, projectId, clusterJobId);
        return { status: done?.status ?? 'missing' };
      } catch (err) {
        if (err instanceof ClusteringBusyError) throw err;
        log.error({ err }, 'clustering run crashed');
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      }
    },
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
    if (!(err instanceof ClusteringBusyError)) c.log.warn({ jobId: job?.id, err }, 'clustering.run failed');
  });
  return worker;
}
