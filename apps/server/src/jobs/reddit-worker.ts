import { HttpIngestSink, RedditClient } from '@fixloop/adapters';
import { getSubreddits, pollSubreddits, type RedditFeed } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import { JOBS } from './catalog.js';
import { measureJob, requestBinding } from './measure-job.js';

export interface RedditWorkerOptions {
  connection: Redis;
  /** Overrides the Reddit client (tests). */
  feed?: RedditFeed;
}

/** Processes `reddit.poll` jobs: fetch each subreddit's new posts, post each to `/ingest/reddit`. */
export function startRedditWorker(c: Container, opts: RedditWorkerOptions): Worker {
  const feed =
    opts.feed ??
    new RedditClient({
      baseUrl: c.config.reddit.baseUrl,
      oauthUrl: c.config.reddit.oauthUrl,
      clientId: c.config.reddit.clientId,
      clientSecret: c.config.reddit.clientSecret,
      userAgent: c.config.reddit.userAgent,
      log: c.log,
    });
  const sink = new HttpIngestSink(c.config.backendUrl, c.tokens);
  const worker = new Worker(
    JOBS.redditPoll.queue,
    async (job) =>
      measureJob(
        c.metrics,
        JOBS.redditPoll.name,
        // A subreddit that could not be read fails the poll's outcome; the others were still stored.
        { of: (stats) => (stats.failedSubreddits.length > 0 ? 'failed' : 'succeeded') },
        () => {
          const payload = JOBS.redditPoll.payload.safeParse(job.data);
          if (!payload.success) throw new UnrecoverableError('reddit.poll: bad payload');
          const { projectId, requestId } = payload.data;
          const log = c.log.child({
            jobId: job.id,
            job: JOBS.redditPoll.name,
            projectId,
            ...requestBinding(requestId),
          });
          const work = () => pollSubreddits({ subreddits: c.subredditDeps, feed, sink, log }, projectId);
          return { log, requestId, work };
        },
      ),
    { connection: opts.connection, prefix: c.config.queuePrefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) =>
    c.log.warn({ jobId: job?.id, ...requestBinding(job?.data?.requestId), err }, 'reddit.poll failed'),
  );
  return worker;
}

/** Brings every project's recurring poll in line with its subreddit list (run when a worker starts). */
export async function syncAllRedditSchedules(c: Container): Promise<void> {
  for (const project of await c.projects.list()) {
    await c.scheduler.syncRedditSchedule(project.id, await getSubreddits(c.subredditDeps, project.id));
  }
}
