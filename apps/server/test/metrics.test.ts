import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';
import { growth, samplesOf } from './support/metrics.js';
import {
  type GithubIssue,
  githubIssue,
  githubIssuesApi,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

const METRICS_TOKEN = 'metrics-token-for-the-api-test';
const SENTRY_SECRET = 'sentry-secret-of-the-metrics-project';
const GITHUB_SECRET = 'github-secret-of-the-metrics-project';

let ctx: TestContext;
let gh: StandIn;
let p: { id: string; apiKey: string };
const repos = new Map<string, GithubIssue[]>();

beforeAll(async () => {
  gh = await startStandIn(githubIssuesApi(repos, 2));
  ctx = await createTestContext({
    METRICS_TOKEN,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: 'ghp_metrics_test_token',
  });
  p = await ctx.createProject();
  const res = await ctx.request({
    method: 'PUT',
    url: `/projects/${p.id}/secrets`,
    payload: { sentryWebhookSecret: SENTRY_SECRET, githubWebhookSecret: GITHUB_SECRET },
  });
  expect(res.statusCode).toBe(204);
});
afterAll(async () => {
  await ctx?.close();
  await gh?.close();
});

const scrape = async () =>
  samplesOf(await ctx.request({ method: 'GET', url: '/metrics', token: METRICS_TOKEN }));

function sentryEvent(issueId: string) {
  return {
    action: 'triggered',
    data: {
      event: {
        event_id: randomUUID().replaceAll('-', ''),
        issue_id: issueId,
        title: 'TypeError: cart.coupon is undefined',
        level: 'error',
        datetime: '2026-03-01T12:00:00.000Z',
      },
    },
  };
}

function githubIssuesEvent(action: string, number: number, title: string) {
  return {
    action,
    issue: {
      id: 5_000_000 + number,
      number,
      title,
      body: 'Steps: open the cart and apply a coupon.',
      state: 'open',
      html_url: `https://github.com/acme/shop/issues/${number}`,
      user: { login: 'octocat', id: 1, type: 'User' },
      labels: [],
      comments: 0,
      created_at: '2026-03-01T10:00:00Z',
      updated_at: '2026-03-01T10:00:00Z',
      closed_at: null,
    },
    repository: { id: 4242, name: 'shop', full_name: 'acme/shop', owner: { login: 'acme', id: 7 } },
    sender: { login: 'octocat', id: 1 },
  };
}

/** A webhook delivery signed as the sender signs it: `sign` turns the raw body into the header. */
function deliver(url: string, body: unknown, headers: Record<string, string>) {
  return ctx.request({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    token: null,
  });
}
const hmac = (secret: string, raw: unknown) =>
  createHmac('sha256', secret).update(JSON.stringify(raw)).digest('hex');
const sentry = (body: unknown) =>
  deliver(`/projects/${p.id}/ingest/sentry`, body, {
    'sentry-hook-resource': 'event_alert',
    'sentry-hook-signature': hmac(SENTRY_SECRET, body),
  });
const github = (body: unknown) =>
  deliver(`/projects/${p.id}/ingest/github/webhook`, body, {
    'x-github-event': 'issues',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${hmac(GITHUB_SECRET, body)}`,
  });

describe('ingest counters', () => {
  it('count every source and outcome exactly: manual, bulk import, Sentry and GitHub webhooks', async () => {
    const before = await scrape();
    const tag = randomUUID().slice(0, 8);
    const post = (payload: object) =>
      ctx.request({ method: 'POST', url: `/projects/${p.id}/feedback`, token: p.apiKey, payload });

    expect((await post({ title: 'Coupon ignored', externalId: `m1-${tag}` })).statusCode).toBe(201);
    expect((await post({ title: 'Checkout slow', externalId: `m2-${tag}` })).statusCode).toBe(201);
    expect((await post({ title: 'Coupon ignored', externalId: `m1-${tag}` })).statusCode).toBe(200);

    const imported = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/feedback/import`,
      token: p.apiKey,
      payload: [
        { title: 'Dark mode unreadable', source: 'reddit', externalId: `r1-${tag}` },
        { title: 'Widget freezes', source: 'zendesk', externalId: `z1-${tag}` },
        { title: 'Coupon ignored', externalId: `m2-${tag}` },
        { title: '', body: '' },
      ],
    });
    expect(imported.json()).toMatchObject({ created: 2, duplicates: 1, rejected: 1 });

    const issueId = String(Math.floor(Math.random() * 9e11) + 1e11);
    expect((await sentry(sentryEvent(issueId))).statusCode).toBe(201);
    expect((await sentry(sentryEvent(issueId))).statusCode).toBe(200);

    const number = Math.floor(Math.random() * 1e6);
    expect((await github(githubIssuesEvent('opened', number, 'Coupon ignored at checkout'))).statusCode).toBe(
      201,
    );
    const edited = githubIssuesEvent('edited', number, 'Coupon ignored at checkout on Safari');
    expect((await github(edited)).statusCode).toBe(200);
    expect((await github(edited)).statusCode).toBe(200);

    const name = 'fixloop_feedback_ingested_total';
    const series = (source: string, outcome: string) => `${name}{source="${source}",outcome="${outcome}"}`;
    expect(growth(before, await scrape(), name)).toEqual({
      [series('manual', 'created')]: 2,
      [series('manual', 'duplicate')]: 2,
      [series('reddit', 'created')]: 1,
      // A source of the client's own naming is counted as `other`: labels stay a closed set.
      [series('other', 'created')]: 1,
      [series('sentry', 'created')]: 1,
      [series('sentry', 'duplicate')]: 1,
      [series('github', 'created')]: 1,
      [series('github', 'updated')]: 1,
      [series('github', 'duplicate')]: 1,
    });
  });

  it('count a GitHub sync by its outcomes', async () => {
    repos.set('acme/metrics', [
      githubIssue('acme/metrics', 1, '2026-03-01T10:00:00Z'),
      githubIssue('acme/metrics', 2, '2026-03-01T11:00:00Z', { state: 'closed' }),
      githubIssue('acme/metrics', 3, '2026-03-01T12:00:00Z'),
    ]);
    const sync = () =>
      ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/ingest/github/sync/acme/metrics`,
        token: p.apiKey,
      });
    const before = await scrape();
    expect((await sync()).json()).toEqual({ new: 3, updated: 0, closed: 1 });
    const first = await scrape();
    const name = 'fixloop_feedback_ingested_total';
    expect(growth(before, first, name)).toEqual({ [`${name}{source="github",outcome="created"}`]: 3 });

    repos
      .get('acme/metrics')
      ?.push(githubIssue('acme/metrics', 1, '2026-03-02T10:00:00Z', { title: 'Renamed' }));
    expect((await sync()).json()).toEqual({ new: 0, updated: 1, closed: 0 });
    // `since` is inclusive: #3, last updated at the cursor, comes back unchanged (a duplicate).
    expect(growth(first, await scrape(), name)).toEqual({
      [`${name}{source="github",outcome="updated"}`]: 1,
      [`${name}{source="github",outcome="duplicate"}`]: 1,
    });
  });
});

describe('HTTP latency', () => {
  it('is labelled by the route template, never the raw URL or a project id', async () => {
    const before = await scrape();
    const list = `/projects/${p.id}/feedback`;
    expect((await ctx.request({ method: 'GET', url: list, token: p.apiKey })).statusCode).toBe(200);
    expect((await ctx.request({ method: 'GET', url: `${list}?limit=1`, token: p.apiKey })).statusCode).toBe(
      200,
    );
    expect((await ctx.request({ method: 'GET', url: list, token: null })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: `/no/such/${p.id}` })).statusCode).toBe(404);
    const after = await scrape();

    const name = 'fixloop_http_request_duration_seconds_count';
    const grown = growth(before, after, name);
    expect(grown[`${name}{method="GET",route="/projects/:projectId/feedback",status_class="2xx"}`]).toBe(2);
    expect(grown[`${name}{method="GET",route="/projects/:projectId/feedback",status_class="4xx"}`]).toBe(1);
    expect(grown[`${name}{method="GET",route="unmatched",status_class="4xx"}`]).toBe(1);
    // The scrape before this one was itself timed, under its own template.
    expect(grown[`${name}{method="GET",route="/metrics",status_class="2xx"}`]).toBe(1);
    expect(Object.keys(grown)).toHaveLength(4);
    const text = (await ctx.request({ method: 'GET', url: '/metrics', token: METRICS_TOKEN })).body;
    expect(text).not.toContain(p.id);
  });
});

describe('GET /metrics', () => {
  it('answers the metrics token and the admin key with the Prometheus text format', async () => {
    for (const token of [METRICS_TOKEN, ctx.adminToken]) {
      const res = await ctx.request({ method: 'GET', url: '/metrics', token });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.body).toMatch(/^# HELP fixloop_feedback_ingested_total /m);
      expect(res.body).toMatch(/^process_resident_memory_bytes /m);
      expect(res.body).toMatch(/^fixloop_queue_jobs\{queue="clustering",state="waiting"\} \d+$/m);
    }
  });

  it('answers 401 without a credential or with an unknown one, 403 with a project key', async () => {
    const none = await ctx.request({ method: 'GET', url: '/metrics', token: null });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(none.headers['x-request-id']).toEqual(expect.any(String));
    expect(
      (await ctx.request({ method: 'GET', url: '/metrics', token: 'not-a-key-at-all' })).statusCode,
    ).toBe(401);
    const projectKey = await ctx.request({ method: 'GET', url: '/metrics', token: p.apiKey });
    expect(projectKey.statusCode).toBe(403);
    expect(projectKey.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('is in the OpenAPI document, with its credential and refusals', async () => {
    const doc = (await ctx.request({ method: 'GET', url: '/openapi.json', token: null })).json();
    const op = doc.paths['/metrics'].get;
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '401', '403']);
    expect(Object.keys(op.responses['200'].content)).toEqual(['text/plain']);
  });
});
