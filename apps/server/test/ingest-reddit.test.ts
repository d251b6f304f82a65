import { InternalTokens } from '@fixloop/adapters';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullScheduler } from '../src/jobs/bull-scheduler.js';
import { createTestContext, type TestContext } from './support/context.js';
import { redditPost } from './support/stand-ins.js';

const ENV_SUBREDDITS = ['fxenv_one', 'fxenv_two'];

let ctx: TestContext;
let redis: Redis;
let scheduler: BullScheduler;

beforeAll(async () => {
  ctx = await createTestContext({ REDDIT_SUBREDDITS: ENV_SUBREDDITS.join(',') });
  redis = ctx.runtime.container.redis;
  const s = ctx.runtime.container.scheduler;
  if (!(s instanceof BullScheduler)) throw new Error('the test runtime should schedule through BullMQ');
  scheduler = s;
});
afterAll(async () => ctx.close());

const k = (pid: string, rest: string) => `project:{${pid}}:${rest}`;
const stored = (pid: string) => redis.zcard(k(pid, 'feedback:created'));
const subredditsKey = (pid: string) => k(pid, 'config:reddit:subreddits');

describe('POST /ingest/reddit', () => {
  it('stores a raw t3 post under its bare id, and a normalized copy of it is a duplicate', async () => {
    const p = await ctx.createProject();
    const raw = redditPost('webdev', 'abc123', {
      title: 'Dark mode breaks the editor',
      selftext: 'Since the last update the editor is unreadable.',
      author: 'night_owl',
      created_utc: 1_767_225_600,
    });
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/reddit`,
      payload: raw,
    });
    expect(res.statusCode).toBe(201);
    const item = res.json();
    expect(item).toEqual({
      id: expect.any(String),
      projectId: p.id,
      source: 'reddit',
      externalId: 'abc123',
      title: 'Dark mode breaks the editor',
      body: 'Since the last update the editor is unreadable.',
      url: 'https://www.reddit.com/r/webdev/comments/abc123/post_abc123/',
      author: 'night_owl',
      createdAt: '2026-01-01T00:00:00.000Z',
      ingestedAt: expect.any(String),
      status: 'open',
      metadata: { subreddit: 'webdev', score: 3, num_comments: 1, over_18: false },
      duplicate: false,
    });
    expect(await redis.get(k(p.id, 'feedback:external:reddit:abc123'))).toBe(item.id);

    const normalized = {
      source: 'reddit',
      external_id: 't3_abc123',
      title: 'Dark mode breaks the editor',
      body: 'Since the last update the editor is unreadable.',
      metadata: { subreddit: 'webdev' },
    };
    const again = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/reddit`,
      payload: normalized,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: item.id, externalId: 'abc123', duplicate: true });
    expect(await stored(p.id)).toBe(1);
  });

  it("stores a normalized post first, and at the root in the caller's project", async () => {
    const p = await ctx.createProject();
    const normalized = {
      source: 'reddit',
      external_id: 't3_zz9',
      title: 'Export to CSV drops rows',
      body: 'Only the first 100 rows arrive.',
      url: 'https://www.reddit.com/r/sheets/comments/zz9/export/',
      author: 'tabular',
      created_at: '2026-02-01T10:00:00+02:00',
      metadata: { subreddit: 'sheets' },
    };
    const res = await ctx.request({
      method: 'POST',
      url: '/ingest/reddit',
      payload: normalized,
      token: p.apiKey,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      projectId: p.id,
      externalId: 'zz9',
      title: 'Export to CSV drops rows',
      createdAt: '2026-02-01T08:00:00.000Z',
      metadata: { subreddit: 'sheets' },
    });
    const raw = await ctx.request({
      method: 'POST',
      url: '/ingest/reddit',
      payload: redditPost('sheets', 'zz9'),
      token: p.apiKey,
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.json()).toMatchObject({ id: res.json().id, duplicate: true });
  });

  it('keeps the outbound link of a link post', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/reddit`,
      payload: redditPost('programming', 'lnk1', { selftext: '', url: 'https://example.com/bug-report' }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ body: '', metadata: { link: 'https://example.com/bug-report' } });
  });

  it('answers 422 for bodies that are not a Reddit post, storing nothing', async () => {
    const p = await ctx.createProject();
    const bad: unknown[] = [
      {},
      [],
      'a string',
      { kind: 't3', data: {} },
      { kind: 't3', data: { id: 'abc', title: '', selftext: '' } },
      { kind: 't3', data: { id: 'abc', title: 7 } },
      { source: 'reddit', external_id: 't3_q1', title: '', body: '' },
      { source: 'github', external_id: 'q2', title: 'wrong source' },
      { external_id: 5, title: 'numeric id' },
      { title: 'no id at all' },
      { external_id: 'q3', title: 'bad date', created_at: 'yesterday' },
    ];
    for (const payload of bad) {
      const res = await ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/ingest/reddit`,
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(res.json().error.code).toBe('validation_failed');
      expect(Array.isArray(res.json().error.details.issues)).toBe(true);
    }
    expect(await stored(p.id)).toBe(0);
  });

  it('needs a key', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/reddit`,
      payload: redditPost('x_y', 'nokey'),
      token: null,
    });
    expect(res.statusCode).toBe(401);
    expect(await stored(p.id)).toBe(0);
  });
});

describe('GET|PUT /config/reddit/subreddits', () => {
  it('stores the list in Redis, without case-insensitive repeats', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/config/reddit/subreddits`;
    expect((await ctx.request({ method: 'GET', url })).json()).toEqual({ subreddits: [] });

    const put = await ctx.request({
      method: 'PUT',
      url,
      payload: { subreddits: ['rust', 'Node_JS', 'RUST', 'ab'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ subreddits: ['rust', 'Node_JS', 'ab'] });
    expect(await redis.lrange(subredditsKey(p.id), 0, -1)).toEqual(['rust', 'Node_JS', 'ab']);
    expect((await ctx.request({ method: 'GET', url })).json()).toEqual({
      subreddits: ['rust', 'Node_JS', 'ab'],
    });
    // At the root, with the project's own key.
    const root = await ctx.request({ method: 'GET', url: '/config/reddit/subreddits', token: p.apiKey });
    expect(root.json()).toEqual({ subreddits: ['rust', 'Node_JS', 'ab'] });
  });

  it('answers 422 for names Reddit does not allow, keeping the old list', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/config/reddit/subreddits`;
    await ctx.request({ method: 'PUT', url, payload: { subreddits: ['keep_me'] } });
    const cases: Array<[object, string]> = [
      [{ subreddits: ['a'] }, 'body.subreddits.0'],
      [{ subreddits: ['ok_one', 'has space'] }, 'body.subreddits.1'],
      [{ subreddits: ['r/rust'] }, 'body.subreddits.0'],
      [{ subreddits: ['a_name_that_is_too_long'] }, 'body.subreddits.0'],
      [{ subreddits: ['héllo'] }, 'body.subreddits.0'],
      [{ subreddits: 'rust' }, 'body.subreddits'],
      [{}, 'body.subreddits'],
    ];
    for (const [payload, path] of cases) {
      const res = await ctx.request({ method: 'PUT', url, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
      expect(paths).toContain(path);
    }
    expect(await redis.lrange(subredditsKey(p.id), 0, -1)).toEqual(['keep_me']);
  });

  it('registers a recurring BullMQ poll for the project, and removes it with an empty list', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/config/reddit/subreddits`;
    const schedulerId = `reddit-poll-every-${p.id}`;
    expect(await scheduler.redditQueue.getJobScheduler(schedulerId)).toBeUndefined();

    await ctx.request({ method: 'PUT', url, payload: { subreddits: ['sched_one'] } });
    const mine = (await scheduler.redditQueue.getJobSchedulers()).filter((s) => s.key === schedulerId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      key: schedulerId,
      name: 'reddit.poll',
      every: 300_000,
      template: { data: { projectId: p.id } },
    });

    // Changing the list keeps one schedule.
    await ctx.request({ method: 'PUT', url, payload: { subreddits: ['sched_one', 'sched_two'] } });
    expect(
      (await scheduler.redditQueue.getJobSchedulers()).filter((s) => s.key === schedulerId),
    ).toHaveLength(1);

    const cleared = await ctx.request({ method: 'PUT', url, payload: { subreddits: [] } });
    expect(cleared.json()).toEqual({ subreddits: [] });
    expect(await redis.exists(subredditsKey(p.id))).toBe(0);
    expect(await scheduler.redditQueue.getJobScheduler(schedulerId)).toBeUndefined();
    expect((await scheduler.redditQueue.getJobSchedulers()).map((s) => s.key)).not.toContain(schedulerId);
  });

  it('falls back to REDDIT_SUBREDDITS for the default project only', async () => {
    expect(await redis.llen(subredditsKey('default'))).toBe(0);
    const root = await ctx.request({ method: 'GET', url: '/config/reddit/subreddits' });
    expect(root.json()).toEqual({ subreddits: ENV_SUBREDDITS });
    const scoped = await ctx.request({ method: 'GET', url: '/projects/default/config/reddit/subreddits' });
    expect(scoped.json()).toEqual({ subreddits: ENV_SUBREDDITS });

    const p = await ctx.createProject();
    const other = await ctx.request({ method: 'GET', url: `/projects/${p.id}/config/reddit/subreddits` });
    expect(other.json()).toEqual({ subreddits: [] });

    try {
      const own = await ctx.request({
        method: 'PUT',
        url: '/config/reddit/subreddits',
        payload: { subreddits: [`own_${ctx.tag}`] },
      });
      expect(own.json()).toEqual({ subreddits: [`own_${ctx.tag}`] });
      expect(await redis.lrange(subredditsKey('default'), 0, -1)).toEqual([`own_${ctx.tag}`]);
    } finally {
      const back = await ctx.request({
        method: 'PUT',
        url: '/config/reddit/subreddits',
        payload: { subreddits: [] },
      });
      expect(back.json()).toEqual({ subreddits: ENV_SUBREDDITS });
    }
    expect(await redis.llen(subredditsKey('default'))).toBe(0);
  });
});

describe('POST /ingest/reddit/poll', () => {
  it("queues a poll of the project's subreddits and answers them", async () => {
    const p = await ctx.createProject();
    await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/config/reddit/subreddits`,
      payload: { subreddits: ['poll_me'] },
    });
    const res = await ctx.request({ method: 'POST', url: `/projects/${p.id}/ingest/reddit/poll` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ subreddits: ['poll_me'] });
    const job = await scheduler.redditQueue.getJob(`reddit-poll-now-${p.id}`);
    expect(job?.name).toBe('reddit.poll');
    // The poll carries the id of the request that asked for it, for the worker's log lines.
    expect(job?.data).toEqual({ projectId: p.id, requestId: res.headers['x-request-id'] });

    // An empty JSON body is an absent body on an action route.
    const empty = await ctx.request({
      method: 'POST',
      url: '/ingest/reddit/poll',
      token: p.apiKey,
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(202);
    expect(empty.json()).toEqual({ subreddits: ['poll_me'] });
  });

  it('answers an empty list and queues nothing when no subreddit is configured', async () => {
    const p = await ctx.createProject();
    const res = await ctx.request({ method: 'POST', url: `/projects/${p.id}/ingest/reddit/poll` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ subreddits: [] });
    expect(await scheduler.redditQueue.getJob(`reddit-poll-now-${p.id}`)).toBeUndefined();
  });
});

describe('internal credentials (the poller)', () => {
  it("work on the project's Reddit ingest route and nowhere else", async () => {
    const p = await ctx.createProject();
    const q = await ctx.createProject();
    const token = ctx.runtime.container.tokens.issue(p.id, 'ingest:reddit', 60);

    const scoped = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/reddit`,
      payload: redditPost('internal', 'int1'),
      token,
    });
    expect(scoped.statusCode).toBe(201);
    expect(scoped.json()).toMatchObject({ projectId: p.id, externalId: 'int1' });
    const root = await ctx.request({
      method: 'POST',
      url: '/ingest/reddit',
      payload: redditPost('internal', 'int2'),
      token,
    });
    expect(root.statusCode).toBe(201);
    expect(root.json()).toMatchObject({ projectId: p.id, externalId: 'int2' });

    const elsewhere: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object }> = [
      { method: 'GET', url: '/feedback' },
      { method: 'GET', url: `/projects/${p.id}/feedback` },
      { method: 'POST', url: `/projects/${p.id}/feedback`, payload: { title: 'manual' } },
      { method: 'POST', url: `/projects/${p.id}/ingest/reddit/poll` },
      { method: 'PUT', url: `/projects/${p.id}/config/reddit/subreddits`, payload: { subreddits: ['nope'] } },
      { method: 'GET', url: `/projects/${p.id}` },
      { method: 'POST', url: `/projects/${q.id}/ingest/reddit`, payload: redditPost('internal', 'int3') },
    ];
    for (const r of elsewhere) {
      const res = await ctx.request({ ...r, token });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await stored(p.id)).toBe(2);
    expect(await stored(q.id)).toBe(0);
    expect(await redis.llen(subredditsKey(p.id))).toBe(0);
  });

  it('are refused with 401 when expired or signed with another key', async () => {
    const p = await ctx.createProject();
    const expired = ctx.runtime.container.tokens.issue(p.id, 'ingest:reddit', 60, Date.now() - 120_000);
    const foreign = new InternalTokens('another-secrets-key-of-32-characters!').issue(
      p.id,
      'ingest:reddit',
      60,
    );
    const [body, sig] = ctx.runtime.container.tokens.issue(p.id, 'ingest:reddit', 60).split('.');
    const otherClaims = Buffer.from(
      JSON.stringify({ projectId: 'default', scope: 'ingest:reddit', exp: 4e9 }),
    ).toString('base64url');
    const forged = `fli_${otherClaims}.${sig}`;
    for (const token of [expired, foreign, forged, `${body}.`]) {
      const res = await ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/ingest/reddit`,
        payload: redditPost('internal', 'exp1'),
        token,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
    expect(await stored(p.id)).toBe(0);
  });

  it('do not stand in for a project key on webhooks', async () => {
    const p = await ctx.createProject();
    const token = ctx.runtime.container.tokens.issue(p.id, 'ingest:reddit', 60);
    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/ingest/sentry`,
      headers: { 'sentry-hook-resource': 'event_alert' },
      payload: { action: 'triggered', data: { event: { event_id: 'e1', title: 'x' } } },
      token,
    });
    expect(res.statusCode).toBe(401);
    expect(await stored(p.id)).toBe(0);
  });
});
