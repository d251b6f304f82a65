import type { IngestSink, Logger, RedditFeed } from '../ports.js';
import { getSubreddits, type SubredditDeps } from '../projects/subreddits.js';

export interface RedditPollDeps {
  subreddits: SubredditDeps;
  feed: RedditFeed;
  sink: IngestSink;
  log: Logger;
}

export interface RedditPollStats {
  subreddits: string[];
  fetched: number;
  created: number;
  duplicates: number;
  failedSubreddits: string[];
}

/**
 * One poll of a project's subreddits. The poller is just another producer: every post goes to the
 * backend's ingest route, never to the store. A failing subreddit is logged and skipped; the others
 * are still polled.
 */
export async function pollSubreddits(deps: RedditPollDeps, projectId: string): Promise<RedditPollStats> {
  const subreddits = await getSubreddits(deps.subreddits, projectId);
  deps.log.info(
    { projectId, subreddits },
    `Polling ${subreddits.length} subreddits: [${subreddits.join(', ')}]`,
  );
  const stats: RedditPollStats = { subreddits, fetched: 0, created: 0, duplicates: 0, failedSubreddits: [] };
  for (const subreddit of subreddits) {
    try {
      const posts = await deps.feed.fetchNew(subreddit);
      stats.fetched += posts.length;
      for (const post of posts) {
        if ((await deps.sink.postReddit(projectId, post)) === 'created') stats.created++;
        else stats.duplicates++;
      }
    } catch (err) {
      stats.failedSubreddits.push(subreddit);
      deps.log.warn({ projectId, subreddit, err }, 'subreddit poll failed');
    }
  }
  deps.log.info({ projectId, ...stats }, 'reddit poll finished');
  return stats;
}
