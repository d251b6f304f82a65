import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';
import {
  forwardTo,
  type RecordedRequest,
  type Route,
  redditApi,
  redditPost,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

const USER_AGENT = 'test:fixloop-poller:1.0 (by /u/fixloop-tests)';

/** Polls `check` until it holds or the deadline passes (the worker runs on its own schedule). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A test API that really listens, behind a recording proxy given as `BACKEND_URL`: the poller's
 * posts travel over HTTP through it, so the test sees exactly what the poller sent.
 */
async function startListening(env: Record<string, string>) {
  let appUrl = '';
  const forwarded: Array<{ path: string; status: number }> = [];
  const proxy = await startStandIn(forwardTo(() => appUrl, forwarded));
  const ctx = await createTestContext({
    ROLE: 'all',
    BACKEND_URL: proxy.url,
    REDDIT_USER_AGENT: USER_AGENT,
    ...env,
  });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  appUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  return { ctx, proxy, forwarded };
}

const k = (pid: string, rest: string) => `project:{${pid}}:${rest}`;

async function listReddit(ctx: TestContext, pid: string) {
  const res = await ctx.request({ method: 'GET', url: `/projects/${pid}/feedback?source=reddit` });
  expect(res.statusCode).toBe(200);
  return (res.json().items as Array<{ externalId: string; source: string; url: string; title: string }>)
    .map((i) => ({ externalId: i.externalId, source: i.source, url: i.url, title: i.title }))
    .sort((a, b) => a.externalId.localeCompare(b.externalId));
}

describe('the Reddit poller, anonymous', () => {
  let ctx: TestContext;
  let redis: Redis;
  let reddit: StandIn;
  let proxy: StandIn;
  let forwarded: Array<{ path: string; status: number }>;
  const posts = new Map<string, unknown[]>();

  beforeAll(async () => {
    reddit = await startStandIn(redditApi(posts));
    ({ ctx, proxy, forwarded } = await startListening({
      REDDIT_BASE_URL: reddit.url,
      REDDIT_OAUTH_URL: reddit.url,
    }));
    redis = ctx.runtime.container.redis;
  });
  afterAll(async () => {
    await ctx.close();
    await proxy.close();
    await reddit.close();
  });

  it('fetches new posts and posts each to /ingest/reddit with an internal credential', async () => {
    const p = await ctx.createProject();
    const sub = `fx_${ctx.tag}`;
    const gone = `gone_${ctx.tag}`;
    posts.set(sub, [redditPost(sub, 'aa1', { title: 'Sync loses my drafts' })]);
    const stored = () => redis.zcard(k(p.id, 'feedback:source:reddit'));

    // Setting the list schedules the recurring poll, whose first run is immediate.
    const put = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/config/reddit/subreddits`,
      payload: { subreddits: [gone, sub] },
    });
    expect(put.statusCode).toBe(200);
    await waitFor('the scheduled poll', async () => (await stored()) === 1);

    // A new post appears; only an explicit poll can fetch it before the next run, minutes away.
    posts.get(sub)?.push(redditPost(sub, 'aa2', { title: 'Search ignores accents' }));
    const poll = await ctx.request({ method: 'POST', url: `/projects/${p.id}/ingest/reddit/poll` });
    expect(poll.statusCode).toBe(202);
    expect(poll.json()).toEqual({ subreddits: [gone, sub] });
    await waitFor('the requested poll', async () => (await stored()) === 2);

    expect(await listReddit(ctx, p.id)).toEqual([
      {
        externalId: 'aa1',
        source: 'reddit',
        url: `https://www.reddit.com/r/${sub}/comments/aa1/post_aa1/`,
        title: 'Sync loses my drafts',
      },
      {
        externalId: 'aa2',
        source: 'reddit',
        url: `https://www.reddit.com/r/${sub}/comments/aa2/post_aa2/`,
        title: 'Search ignores accents',
      },
    ]);

    const fetched = reddit.requests.filter((r) => r.path === `/r/${sub}/new.json`);
    expect(fetched).toHaveLength(2);
    for (const r of fetched) {
      expect(r.method).toBe('GET');
      expect(r.headers['user-agent']).toBe(USER_AGENT);
      expect(r.headers.authorization).toBeUndefined();
      expect(r.query.get('limit')).toBe('100');
      expect(r.query.get('raw_json')).toBe('1');
    }
    // The missing subreddit was tried on both polls and did not stop the other.
    expect(reddit.requests.filter((r) => r.path === `/r/${gone}/new.json`)).toHaveLength(2);

    const ingestPath = `/projects/${p.id}/ingest/reddit`;
    const posted = proxy.requests.filter((r) => r.path === ingestPath);
    expect(posted).toHaveLength(3); // aa1, then aa1 again (duplicate) and aa2
    expect(
      forwarded
        .filter((f) => f.path === ingestPath)
        .map((f) => f.status)
        .sort(),
    ).toEqual([200, 201, 201]);
    for (const r of posted) {
      expect(r.method).toBe('POST');
      const token = /^Bearer (fli_\S+)$/.exec(r.headers.authorization ?? '')?.[1];
      expect(token).toBeDefined();
      expect(ctx.runtime.container.tokens.verify(token as string)).toMatchObject({
        projectId: p.id,
        scope: 'ingest:reddit',
      });
      expect(JSON.parse(r.body)).toMatchObject({ kind: 't3', data: { subreddit: sub } });
    }
  });
});

describe('the Reddit poller with OAuth', () => {
  const TOKEN = 'oauth-access-token-123';
  let ctx: TestContext;
  let redis: Redis;
  let www: StandIn;
  let oauth: StandIn;
  let proxy: StandIn;
  const posts = new Map<string, unknown[]>();
  /** Listing paths answered once with a 429 before they succeed. */
  const throttled = new Set<string>();

  beforeAll(async () => {
    www = await startStandIn(redditApi(posts, TOKEN));
    const listings = redditApi(posts, TOKEN);
    const route: Route = (req, base) =>
      throttled.delete(req.path)
        ? {
            status: 429,
            headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
            body: { message: 'Too Many Requests', error: 429 },
          }
        : listings(req, base);
    oauth = await startStandIn(route);
    ({ ctx, proxy } = await startListening({
      REDDIT_BASE_URL: www.url,
      REDDIT_OAUTH_URL: oauth.url,
      REDDIT_CLIENT_ID: 'fixloop-client-id',
      REDDIT_CLIENT_SECRET: 'fixloop-client-secret',
    }));
    redis = ctx.runtime.container.redis;
  });
  afterAll(async () => {
    await ctx.close();
    await proxy.close();
    await oauth.close();
    await www.close();
  });

  it('gets a client-credentials token, reads the OAuth listing with it, and waits out a 429', async () => {
    const p = await ctx.createProject();
    const sub = `fxo_${ctx.tag}`;
    posts.set(sub, [redditPost(sub, 'bb1'), redditPost(sub, 'bb2')]);
    throttled.add(`/r/${sub}/new`);

    const started = Date.now();
    const put = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/config/reddit/subreddits`,
      payload: { subreddits: [sub] },
    });
    expect(put.statusCode).toBe(200);
    await waitFor('the OAuth poll', async () => (await redis.zcard(k(p.id, 'feedback:source:reddit'))) === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect((await listReddit(ctx, p.id)).map((i) => [i.externalId, i.source])).toEqual([
      ['bb1', 'reddit'],
      ['bb2', 'reddit'],
    ]);

    const tokenRequests = www.requests.filter((r) => r.path === '/api/v1/access_token');
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    const basic = Buffer.from('fixloop-client-id:fixloop-client-secret').toString('base64');
    for (const r of tokenRequests) {
      expect(r.method).toBe('POST');
      expect(r.headers.authorization).toBe(`Basic ${basic}`);
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers['user-agent']).toBe(USER_AGENT);
      expect(new URLSearchParams(r.body).get('grant_type')).toBe('client_credentials');
    }
    // Listings go to the OAuth host only, never anonymously to www.
    expect(www.requests.filter((r: RecordedRequest) => r.path.startsWith(`/r/${sub}/`))).toHaveLength(0);
    const listingsSeen = oauth.requests.filter((r) => r.path === `/r/${sub}/new`);
    expect(listingsSeen).toHaveLength(2); // the 429, then the retry
    for (const r of listingsSeen) {
      expect(r.headers.authorization).toBe(`bearer ${TOKEN}`);
      expect(r.headers['user-agent']).toBe(USER_AGENT);
    }
  });
});
