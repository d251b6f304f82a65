import { RedditIngestBody, TITLE_MAX } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { normalizeRedditPost } from './reddit.js';

/** Inputs go through the route's schema first, as they do in the API. */
const normalize = (body: unknown) => normalizeRedditPost(RedditIngestBody.parse(body));

function raw(data: Record<string, unknown>) {
  return { kind: 't3', data: { id: 'abc123', title: 'Crash on export', ...data } };
}

function validationPath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('validation_failed');
    return ((err as DomainError).details as { issues: Array<{ path: string }> }).issues[0]?.path;
  }
  throw new Error('expected a validation error');
}

describe('normalizeRedditPost, raw t3 posts', () => {
  it('keeps the bare id, the web link, the author, the time and a few listing fields', () => {
    expect(
      normalize(
        raw({
          selftext: '  It crashes every time.  ',
          author: 'user_1',
          permalink: '/r/webdev/comments/abc123/crash_on_export/',
          url: 'https://www.reddit.com/r/webdev/comments/abc123/crash_on_export/',
          created_utc: 1_767_225_600.5,
          subreddit: 'webdev',
          score: 12,
          num_comments: 4,
          link_flair_text: null,
          over_18: false,
          ups: 12,
        }),
      ),
    ).toEqual({
      source: 'reddit',
      externalId: 'abc123',
      title: 'Crash on export',
      body: 'It crashes every time.',
      url: 'https://www.reddit.com/r/webdev/comments/abc123/crash_on_export/',
      author: 'user_1',
      createdAt: '2026-01-01T00:00:00.500Z',
      status: 'open',
      metadata: { subreddit: 'webdev', score: 12, num_comments: 4, over_18: false },
    });
  });

  it('keeps the outbound link of a link post, and copes with missing optional fields', () => {
    const item = normalize(raw({ url: 'https://example.com/post', permalink: 'r/x/comments/abc123/t/' }));
    expect(item.url).toBe('https://www.reddit.com/r/x/comments/abc123/t/');
    expect(item.metadata).toEqual({ link: 'https://example.com/post' });
    expect(item.body).toBe('');
    const bare = normalize(raw({ selftext: null, author: null }));
    expect(bare).toMatchObject({ url: undefined, author: undefined, createdAt: undefined, body: '' });
  });

  it('bounds a very long title', () => {
    const title = normalize(raw({ title: 'x'.repeat(TITLE_MAX + 50) })).title;
    expect(title).toHaveLength(TITLE_MAX);
    expect(title.endsWith('…')).toBe(true);
  });

  it('refuses a post with neither title nor text', () => {
    expect(validationPath(() => normalize(raw({ title: '   ', selftext: '' })))).toBe('title');
  });
});

describe('normalizeRedditPost, posts normalized by a producer', () => {
  it('strips the t3_ prefix so both shapes share one external id', () => {
    const item = normalize({
      source: 'reddit',
      external_id: 't3_abc123',
      title: ' Crash on export ',
      body: 'It crashes.',
      url: 'https://www.reddit.com/r/webdev/comments/abc123/x/',
      author: 'user_1',
      created_at: '2026-01-01T02:00:00+02:00',
      metadata: { subreddit: 'webdev' },
    });
    expect(item).toEqual({
      source: 'reddit',
      externalId: 'abc123',
      title: 'Crash on export',
      body: 'It crashes.',
      url: 'https://www.reddit.com/r/webdev/comments/abc123/x/',
      author: 'user_1',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'open',
      metadata: { subreddit: 'webdev' },
    });
    expect(normalize({ external_id: 'abc123', title: 't' }).externalId).toBe('abc123');
  });

  it('prefers camelCase names over the legacy snake_case ones', () => {
    const item = normalize({
      externalId: 't3_new',
      external_id: 'old',
      title: 't',
      createdAt: '2026-03-01T00:00:00Z',
      created_at: '2020-01-01T00:00:00Z',
    });
    expect(item).toMatchObject({ externalId: 'new', createdAt: '2026-03-01T00:00:00.000Z', metadata: {} });
  });

  it('needs the post id and some text', () => {
    expect(validationPath(() => normalize({ title: 'no id' }))).toBe('external_id');
    expect(validationPath(() => normalize({ external_id: 't3_x', title: '', body: ' ' }))).toBe('title');
  });
});
