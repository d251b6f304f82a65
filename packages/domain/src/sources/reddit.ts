import type { NewFeedback, RedditIngestBody } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { boundBody, boundTitle, toIso } from './text.js';

const REDDIT_WEB = 'https://www.reddit.com';

/** Normalizes a raw `t3` post or a producer-normalized post; the external id is the bare post id. */
export function normalizeRedditPost(input: RedditIngestBody): NewFeedback {
  if ('kind' in input) {
    const p = input.data;
    const metadata: Record<string, unknown> = {};
    if (p.subreddit) metadata.subreddit = p.subreddit;
    for (const k of ['score', 'num_comments', 'link_flair_text', 'over_18'] as const) {
      if (p[k] !== undefined && p[k] !== null) metadata[k] = p[k];
    }
    if (p.url && p.url !== '' && !p.url.includes('/comments/')) metadata.link = p.url;
    return requireText({
      source: 'reddit',
      externalId: p.id,
      title: boundTitle(p.title),
      body: boundBody(p.selftext),
      url: p.permalink ? `${REDDIT_WEB}${p.permalink.startsWith('/') ? '' : '/'}${p.permalink}` : undefined,
      author: p.author ?? undefined,
      createdAt: toIso(p.created_utc),
      status: 'open',
      metadata,
    });
  }
  const externalId = stripPrefix(input.externalId ?? input.external_id);
  if (externalId === undefined) {
    throw new DomainError('validation_failed', 'external_id: a Reddit post needs its id', {
      issues: [{ path: 'external_id', message: 'required' }],
    });
  }
  return requireText({
    source: 'reddit',
    externalId,
    title: boundTitle(input.title),
    body: boundBody(input.body),
    url: input.url,
    author: input.author,
    createdAt: toIso(input.createdAt ?? input.created_at),
    status: 'open',
    metadata: input.metadata ?? {},
  });
}

function stripPrefix(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  return id.startsWith('t3_') ? id.slice(3) : id;
}

/** Every report needs a title or a body. */
export function requireText(item: NewFeedback): NewFeedback {
  if (item.title === '' && item.body === '') {
    throw new DomainError('validation_failed', 'title: a report needs a non-empty title or body', {
      issues: [{ path: 'title', message: 'a report needs a non-empty title or body' }],
    });
  }
  return item;
}
