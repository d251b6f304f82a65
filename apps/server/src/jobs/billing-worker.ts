import { releaseHeldEverywhere } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import type { BullScheduler } from './bull-scheduler.js';
import { JOBS } from './catalog.js';
import { measureJob } from './measure-job.js';

/** How often held reports are checked against the month's allowance (cheap: one script per project). */
export const HELD_RELEASE_EVERY_MS = 15 * 60_000;

/** Processes `billing.release-held`: held reports of every project go to clustering where there is room. */
export function startBillingWorker(c: Container, connection: Redis): Worker {
  const worker = new Worker(
    JOBS.billingReleaseHeld.queue,
    async (job) =>
      measureJob(c.metrics, JOBS.billingReleaseHeld.name, { of: () => 'succeeded' }, () => {
        if (!JOBS.billingReleaseHeld.payload.safeParse(job.data).success) {
          throw new UnrecoverableError('billing.release-held: bad payload');
        }
        // Scheduled, never queued by a request: no request id.
        const log = c.log.child({ jobId: job.id, job: JOBS.billingReleaseHeld.name });
        const work = async () => ({ released: await releaseHeldEverywhere({ ...c.billingDeps, log }) });
        return { log, requestId: undefined, work };
      }),
    { connection, prefix: c.config.queuePrefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => c.log.warn({ jobId: job?.id, err }, 'billing.release-held failed'));
  return worker;
}

/** At worker start: a release pass now (a month may have turned while no worker ran), then the schedule. */
export async function startHeldRelease(c: Container, scheduler: BullScheduler): Promise<void> {
  const released = await releaseHeldEverywhere(c.billingDeps);
  if (released > 0) c.log.info({ released }, 'released held feedback at start');
  await scheduler.scheduleHeldRelease(HELD_RELEASE_EVERY_MS);
}
