import type { Scheduler } from '@fixloop/domain';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, jobIds, type RedditPollPayload } from './catalog.js';

/** Background work through BullMQ queues (shared by every process on one Redis). */
export class BullScheduler implements Scheduler {
  readonly redditQueue: Queue<RedditPollPayload>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly redditIntervalMs: number,
  ) {
    this.redditQueue = new Queue<RedditPollPayload>(JOBS.redditPoll.queue, { connection, prefix });
  }

  async requestRedditPoll(projectId: string): Promise<void> {
    await this.redditQueue.add(
      JOBS.redditPoll.name,
      { projectId },
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

  close(): Promise<void> {
    return this.redditQueue.close();
  }
}
