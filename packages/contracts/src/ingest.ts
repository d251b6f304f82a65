import { z } from 'zod';
import { Timestamp, text } from './common.js';
import { ExternalId, MetadataInput } from './feedback.js';

/** A subreddit name as Reddit allows it. */
export const SubredditName = z
  .string()
  .regex(/^[A-Za-z0-9_]{2,21}$/, 'a subreddit name: 2–21 letters, digits or _');

export const SubredditsConfig = z.object({ subreddits: z.array(SubredditName).max(100) });
export type SubredditsConfig = z.infer<typeof SubredditsConfig>;

/** A Reddit post as Reddit's listings carry it (`kind: t3`); unknown fields are kept. */
export const RawRedditPost = z.object({
  kind: z.literal('t3'),
  data: z.looseObject({
    id: z.string().regex(/^[a-z0-9]{1,16}$/, 'a Reddit post id'),
    title: text(10_000),
    selftext: text(200_000).optional().nullable(),
    author: z.string().max(64).optional().nullable(),
    permalink: z.string().max(2_048).optional().nullable(),
    url: z.string().max(2_048).optional().nullable(),
    created_utc: z.number().finite().nonnegative().optional(),
    subreddit: z.string().max(64).optional(),
  }),
});
export type RawRedditPost = z.infer<typeof RawRedditPost>;

/** A Reddit post already normalized by a producer (the seed's poller shape). */
export const NormalizedRedditPost = z.object({
  source: z.literal('reddit').optional(),
  external_id: ExternalId.optional(),
  externalId: ExternalId.optional(),
  title: text(10_000).optional(),
  body: text(200_000).optional(),
  url: z.string().max(2_048).optional(),
  author: z.string().max(256).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  metadata: MetadataInput.optional(),
});
export type NormalizedRedditPost = z.infer<typeof NormalizedRedditPost>;

export const RedditIngestBody = z.union([RawRedditPost, NormalizedRedditPost]);
export type RedditIngestBody = z.infer<typeof RedditIngestBody>;

export const RedditPollResult = z.object({ subreddits: z.array(z.string()) });

export const GithubSyncResult = z.object({
  new: z.number().int(),
  updated: z.number().int(),
  closed: z.number().int(),
});
export type GithubSyncResult = z.infer<typeof GithubSyncResult>;

export const GithubRepoParams = z.object({
  owner: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  repo: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
});

/** What a webhook that was accepted but not stored answers (pings, events Fixloop does not use). */
export const WebhookAck = z.object({ ok: z.literal(true), ignored: z.string().optional() });

/** A repository the project synced, with the counts of its last sync. */
export const GithubRepoSync = z.object({
  owner: z.string(),
  repo: z.string(),
  at: Timestamp.meta({ description: 'when the last sync finished' }),
  new: z.number().int(),
  updated: z.number().int(),
  closed: z.number().int(),
});
export type GithubRepoSync = z.infer<typeof GithubRepoSync>;
