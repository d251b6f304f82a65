import type { AgentQueue, ClusteringScheduler, Scheduler } from '@fixloop/domain';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { requestIdField } from '../infra/request-context.js';
import {
  type AgentRunPayload,
  type BillingReleaseHeldPayload,
  type ClusteringRunPayload,
  JOBS,
  jobIds,
  type RedditPollPayload,
} from './catalog.js';

/**
 * Background work through BullMQ queues (shared by every process on one Redis). Work queued while
 * serving a request carries that request's id (see `request-context.ts`).
 */
export class BullScheduler implements Scheduler, ClusteringScheduler, AgentQueue {
  readonly redditQueue: Queue<RedditPollPayload>;
  readonly clusteringQueue: Queue<ClusteringRunPayload>;
  readonly agentQueue: Queue<AgentRunPayload>;
  readonly billingQueue: Queue<BillingReleaseHeldPayload>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly redditIntervalMs: number,
  ) {
    this.redditQueue = new Queue<RedditPollPayload>(JOBS.redditPoll.queue, { connection, prefix });
    this.clusteringQueue = new Queue<ClusteringRunPayload>(JOBS.clusteringRun.queue, { connection, prefix });
    this.agentQueue = new Queue<AgentRunPayload>(JOBS.agentRun.queue, { connection, prefix });
    this.billingQueue = new Queue<BillingReleaseHeldPayload>(JOBS.billingReleaseHeld.queue, {
      connection,
      prefix,
    });
  }

  /** One BullMQ job per agent job record, never retried by BullMQ: a retry is a new, visible job. */
  async enqueue(projectId: string, jobId: string): Promise<void> {
    await this.agentQueue.add(
      JOBS.agentRun.name,
      { projectId, jobId, ...requestIdField() },
      { jobId: `agent-${jobId}`, attempts: 1, removeOnComplete: true, removeOnFail: 1_000 },
    );
  }

  /** A waiting entry is dropped; a running one is stopped by its worker, which watches the job's status. */
  async signalCancel(_projectId: string, jobId: string): Promise<void> {
    const queued = await this.agentQueue.getJob(`agent-${jobId}`);
    if (queued && ((await queued.isWaiting()) || (await queued.isDelayed()))) {
      await queued.remove().catch(() => {
        // taken by a worker meanwhile: it sees the cancelled status and stops
      });
    }
  }

  async requestRedditPoll(projectId: string): Promise<void> {
    await this.redditQueue.add(
      JOBS.redditPoll.name,
      { projectId, ...requestIdField() },
      {
        jobId: jobIds.redditPollNow(projectId),
        // Removed either way, so the fixed id only dedupes a poll that is still waiting.
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async syncRedditSchedule(projectId: string, subreddits: string[]): Promise<void> {
    const id = jobIds.redditPollSchedule(projectId);
    if (subreddits.length === 0) {
      await this.redditQueue.removeJobScheduler(id);
      return;
    }
    await this.redditQueue.upsertJobScheduler(
      id,
      { every: this.redditIntervalMs },
      {
        name: JOBS.redditPoll.name,
        data: { projectId },
        opts: { removeOnComplete: true, removeOnFail: 100 },
      },
    );
  }

  /**
   * One BullMQ job per clustering job record (its id is the record's id, so a job is queued once).
   * A run that finds the project locked fails with a busy error and is retried every second.
   */
  async enqueueClustering(projectId: string, clusterJobId: string, delayMs: number): Promise<void> {
    await this.clusteringQueue.add(
      JOBS.clusteringRun.name,
      { projectId, clusterJobId, ...requestIdField() },
      {
        jobId: `clustering-${clusterJobId}`,
        delay: delayMs,
        // "Busy" (another run holds the project) is retried every second for up to half an hour;
        // a pending run left behind after that is picked up again by run-now or a worker start.
        attempts: 1_800,
        backoff: { type: 'fixed', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: 1_000,
      },
    );
  }

  /** Promotes the run's delayed queue entry (debounce, back-off, busy retry); re-queues a lost one. */
  async promoteClustering(projectId: string, clusterJobId: string): Promise<void> {
    const queued = await this.clusteringQueue.getJob(`clustering-${clusterJobId}`);
    if (!queued) {
      await this.enqueueClustering(projectId, clusterJobId, 0);
      return;
    }
    if (await queued.isFailed()) {
      // It gave up (e.g. the lock stayed busy through every retry): queue it afresh.
      await queued.remove();
      await this.enqueueClustering(projectId, clusterJobId, 0);
      return;
    }
    if (!(await queued.isDelayed())) return;
    try {
      await queued.promote();
    } catch (err) {
      // It left the delayed set meanwhile (a worker took it): nothing to bring forward.
      if (await queued.isDelayed()) throw err;
    }
  }

  /** The recurring release of held reports: a new month's allowance lets them through soon after midnight UTC. */
  async scheduleHeldRelease(everyMs: number): Promise<void> {
    await this.billingQueue.upsertJobScheduler(
      jobIds.billingReleaseSchedule(),
      { every: everyMs },
      { name: JOBS.billingReleaseHeld.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  /** Every queue, for the metrics of their depths. */
  queues(): Queue[] {
    return [this.redditQueue, this.clusteringQueue, this.agentQueue, this.billingQueue];
  }

  async close(): Promise<void> {
    await this.redditQueue.close();
    await this.clusteringQueue.close();
    await this.agentQueue.close();
    await this.billingQueue.close();
  }
}
