import { createHmac, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';
import {
  type GithubIssue,
  githubIssue,
  githubIssuesApi,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

const ENV_TOKEN = 'ghp_envtoken0000000000000000000000000000';
const PROJECT_TOKEN = 'ghp_projecttoken000000000000000000000000';
const ENV_WEBHOOK_SECRET = 'env-github-webhook-secret';

let ctx: TestContext;
let gh: StandIn;
let redis: Redis;
const repos = new Map<string, GithubIssue[]>();

beforeAll(async () => {
  gh = await startStandIn(githubIssuesApi(repos, 2));
  ctx = await createTestContext({
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: ENV_TOKEN,
    GITHUB_WEBHOOK_SECRET: ENV_WEBHOOK_SECRET,
  });
  redis = ctx.runtime.container.redis;
});
afterAll(async () => {
  await ctx.close();
  await gh.close();
});

const k = (pid: string, rest: string) => `project:{${pid}}:${rest}`;
const idOf = (pid: string, externalId: string) => redis.get(k(pid, `feedback:external:github:${externalId}`));
const unclustered = async (pid: string) => (await redis.smembers(k(pid, 'feedback:unclustered'))).sort();
const stored = (pid: string) => redis.zcard(k(pid, 'feedback:created'));

async function getItem(pid: string, id: string | null | undefined) {
  const res = await ctx.request({ method: 'GET', url: `/projects/${pid}/feedback/${id}` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

function sync(path: string, token?: string | null) {
  return ctx.request({ method: 'POST', url: path, ...(token === undefined ? {} : { token }) });
}

/** The requests the GitHub stand-in received while `run` ran. */
async function during<T>(run: () => Promise<T>) {
  const from = gh.requests.length;
  const result = await run();
  return { result, requests: gh.requests.slice(from) };
}

describe('POST /ingest/github/sync/{owner}/{repo}', () => {
  it('pages through the issues with the project token, skips pull requests and keeps closed issues out of clustering', async () => {
    const p = await ctx.createProject();
    const repo = 'acme/widgets';
    const issues = [
      githubIssue(repo, 1, '2026-01-01T10:00:00Z', { title: 'Login fails', body: 'Steps: open /login' }),
      githubIssue(repo, 2, '2026-01-01T11:00:00Z', { state: 'closed' }),
      githubIssue(repo, 3, '2026-01-01T12:00:00Z', {
        pull_request: {
          url: 'https://api.github.com/repos/acme/widgets/pulls/3',
          html_url: 'https://github.com/acme/widgets/pull/3',
        },
      }),
      githubIssue(repo, 4, '2026-01-01T13:00:00Z'),
      githubIssue(repo, 5, '2026-01-01T14:00:00Z'),
    ];
    repos.set(repo, issues);
    const secrets = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/secrets`,
      payload: { githubToken: PROJECT_TOKEN },
    });
    expect(secrets.statusCode).toBe(204);

    const first = await during(() => sync(`/projects/${p.id}/ingest/github/sync/acme/widgets`));
    expect(first.result.statusCode).toBe(200);
    expect(first.result.json()).toEqual({ new: 4, updated: 0, closed: 1 });
    expect(first.requests.map((r) => [r.path, r.query.get('page')])).toEqual([
      ['/repos/acme/widgets/issues', null],
      ['/repos/acme/widgets/issues', '2'],
      ['/repos/acme/widgets/issues', '3'],
    ]);
    for (const r of first.requests) expect(r.headers.authorization).toBe(`token ${PROJECT_TOKEN}`);
    const q = first.requests[0]?.query;
    expect(q?.get('state')).toBe('all');
    expect(q?.get('sort')).toBe('updated');
    expect(q?.get('direction')).toBe('asc');
    expect(q?.has('since')).toBe(false);

    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => idOf(p.id, `acme/widgets#${n}`)));
    const [id1, id2, id3, id4, id5] = ids;
    expect(id3).toBeNull();
    expect(await stored(p.id)).toBe(4);
    expect(await unclustered(p.id)).toEqual([id1, id4, id5].sort());
    expect(await getItem(p.id, id1)).toMatchObject({
      source: 'github',
      externalId: 'acme/widgets#1',
      title: 'Login fails',
      body: 'Steps: open /login',
      url: 'https://github.com/acme/widgets/issues/1',
      author: 'octocat',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'open',
      metadata: {
        repository: 'acme/widgets',
        number: 1,
        labels: ['bug'],
        updatedAt: '2026-01-01T10:00:00Z',
        comments: 0,
      },
    });
    expect(await getItem(p.id, id2)).toMatchObject({ externalId: 'acme/widgets#2', status: 'closed' });
    expect(await redis.get(k(p.id, 'github:cursor:acme/widgets'))).toBe('2026-01-01T14:00:00Z');

    // Between syncs: #1 was clustered, then edited; #2 re-opened; #4 closed; #6 opened; #5 untouched.
    await redis.srem(k(p.id, 'feedback:unclustered'), id1 as string);
    issues[0] = {
      ...(issues[0] as GithubIssue),
      title: 'Login fails (edited)',
      updated_at: '2026-01-02T09:00:00Z',
    };
    issues[1] = { ...(issues[1] as GithubIssue), state: 'open', updated_at: '2026-01-02T10:00:00Z' };
    issues[3] = { ...(issues[3] as GithubIssue), state: 'closed', updated_at: '2026-01-02T11:00:00Z' };
    issues.push(githubIssue(repo, 6, '2026-01-02T12:00:00Z'));

    const second = await during(() => sync(`/projects/${p.id}/ingest/github/sync/acme/widgets`));
    expect(second.result.statusCode).toBe(200);
    expect(second.result.json()).toEqual({ new: 1, updated: 3, closed: 1 });
    expect(second.requests).toHaveLength(3); // #5 (unchanged, updated at the cursor), #1, #2, #4, #6
    for (const r of second.requests) {
      expect(r.query.get('since')).toBe('2026-01-01T14:00:00Z');
      expect(r.headers.authorization).toBe(`token ${PROJECT_TOKEN}`);
    }
    const id6 = await idOf(p.id, 'acme/widgets#6');
    expect(await stored(p.id)).toBe(5);
    expect(await unclustered(p.id)).toEqual([id1, id2, id5, id6].sort());
    expect(await getItem(p.id, id1)).toMatchObject({ title: 'Login fails (edited)', status: 'open' });
    expect(await getItem(p.id, id2)).toMatchObject({ status: 'open' });
    expect(await getItem(p.id, id4)).toMatchObject({ status: 'closed' });
    expect(await redis.get(k(p.id, 'github:cursor:acme/widgets'))).toBe('2026-01-02T12:00:00Z');

    const third = await during(() => sync(`/projects/${p.id}/ingest/github/sync/acme/widgets`));
    expect(third.result.json()).toEqual({ new: 0, updated: 0, closed: 0 });
    expect(third.requests.map((r) => r.query.get('since'))).toEqual(['2026-01-02T12:00:00Z']);
    expect(await stored(p.id)).toBe(5);
  });

  it("falls back to GITHUB_TOKEN and, at the root, syncs into the caller's project", async () => {
    const p = await ctx.createProject();
    repos.set('acme/gadgets', [githubIssue('acme/gadgets', 9, '2026-01-03T00:00:00Z')]);
    const { result, requests } = await during(() => sync('/ingest/github/sync/acme/gadgets', p.apiKey));
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({ new: 1, updated: 0, closed: 0 });
    expect(requests.map((r) => r.headers.authorization)).toEqual([`token ${ENV_TOKEN}`]);
    const id = await idOf(p.id, 'acme/gadgets#9');
    expect(await getItem(p.id, id)).toMatchObject({ projectId: p.id, externalId: 'acme/gadgets#9' });
  });

  it("refuses another project's key before calling GitHub", async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    repos.set('acme/private', [githubIssue('acme/private', 1, '2026-01-03T00:00:00Z')]);
    const { result, requests } = await during(() =>
      sync(`/projects/${p.id}/ingest/github/sync/acme/private`, other.apiKey),
    );
    expect(result.statusCode).toBe(403);
    expect(result.json().error.code).toBe('forbidden');
    expect(requests).toHaveLength(0);
    expect(await stored(p.id)).toBe(0);
  });

  it('waits out a primary rate limit (403, x-ratelimit-remaining: 0) and then succeeds', async () => {
    const p = await ctx.createProject();
    repos.set('acme/limited', [githubIssue('acme/limited', 1, '2026-01-03T00:00:00Z')]);
    gh.enqueue({
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-resource': 'core',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
      },
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    const started = Date.now();
    const { result, requests } = await during(() =>
      sync(`/projects/${p.id}/ingest/github/sync/acme/limited`),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({ new: 1, updated: 0, closed: 0 });
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('waits out a secondary rate limit (429, retry-after: 1) and then succeeds', async () => {
    const p = await ctx.createProject();
    repos.set('acme/busy', [githubIssue('acme/busy', 1, '2026-01-03T00:00:00Z')]);
    gh.enqueue({
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    const started = Date.now();
    const { result, requests } = await during(() => sync(`/projects/${p.id}/ingest/github/sync/acme/busy`));
    expect(result.statusCode).toBe(200);
    expect(result.json()).toEqual({ new: 1, updated: 0, closed: 0 });
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('answers 404 for a repository GitHub does not know, storing nothing', async () => {
    const p = await ctx.createProject();
    const res = await sync(`/projects/${p.id}/ingest/github/sync/acme/missing`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('acme/missing') },
    });
    expect(await stored(p.id)).toBe(0);
    expect(await redis.get(k(p.id, 'github:cursor:acme/missing'))).toBeNull();
  });

  it('answers 502 upstream_unavailable when GitHub rejects the token', async () => {
    const p = await ctx.createProject();
    repos.set('acme/locked', [githubIssue('acme/locked', 1, '2026-01-03T00:00:00Z')]);
    gh.enqueue({
      status: 401,
      body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    });
    const { result, requests } = await during(() => sync(`/projects/${p.id}/ingest/github/sync/acme/locked`));
    expect(result.statusCode).toBe(502);
    const body = result.json();
    expect(body.error.code).toBe('upstream_unavailable');
    expect(body.error.message).toMatch(/401/);
    expect(requests).toHaveLength(1);
    expect(await stored(p.id)).toBe(0);
  });

  it('answers 422 for an owner GitHub could not have', async () => {
    const res = await sync('/ingest/github/sync/acme%20corp/widgets');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('validation_failed');
  });
});

// --- webhooks -----------------------------------------------------------------------------------

function issuesEvent(action: string, repo: string, issue: GithubIssue) {
  const [owner, name] = repo.split('/') as [string, string];
  return {
    action,
    issue,
    repository: {
      id: 4242,
      name,
      full_name: repo,
      private: false,
      owner: { login: owner, id: 7, type: 'Organization' },
      html_url: `https://github.com/${repo}`,
    },
    sender: { login: 'octocat', id: 1, type: 'User' },
  };
}

const sign = (secret: string, raw: string) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

interface Delivery {
  url: string;
  event: string;
  body: unknown;
  /** Signs with this secret; a literal header with `signature`. */
  secret?: string;
  signature?: string;
  token?: string | null;
}

function deliver(d: Delivery) {
  const raw = JSON.stringify(d.body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/abc123',
    'x-github-event': d.event,
    'x-github-delivery': randomUUID(),
  };
  const signature = d.signature ?? (d.secret === undefined ? undefined : sign(d.secret, raw));
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  return ctx.request({ method: 'POST', url: d.url, payload: raw, headers, token: d.token ?? null });
}

describe('GET /ingest/github/repos', () => {
  type Repos = {
    items: Array<{ owner: string; repo: string; at: string; new: number; updated: number; closed: number }>;
  };

  it('lists the synced repositories with the counts of their last sync, per project', async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const empty = await ctx.request({ method: 'GET', url: '/ingest/github/repos', token: p.apiKey });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ items: [] });

    repos.set('acme/repos-a', [
      githubIssue('acme/repos-a', 1, '2026-03-01T10:00:00Z'),
      githubIssue('acme/repos-a', 2, '2026-03-01T11:00:00Z', { state: 'closed' }),
    ]);
    repos.set('Acme/Repos-B', [githubIssue('Acme/Repos-B', 1, '2026-03-01T10:00:00Z')]);
    const before = new Date().toISOString();
    expect((await sync('/ingest/github/sync/Acme/Repos-B', p.apiKey)).statusCode).toBe(200);
    expect((await sync('/ingest/github/sync/acme/repos-a', p.apiKey)).statusCode).toBe(200);
    // A second sync of repos-a finds nothing new: the listing shows that last one.
    repos.get('acme/repos-a')?.push(githubIssue('acme/repos-a', 3, '2026-03-02T10:00:00Z'));
    expect((await sync('/ingest/github/sync/acme/repos-a', p.apiKey)).json()).toEqual({
      new: 1,
      updated: 0,
      closed: 0,
    });

    const listed = await ctx.request({ method: 'GET', url: '/ingest/github/repos', token: p.apiKey });
    expect(listed.statusCode).toBe(200);
    const body = listed.json<Repos>();
    expect(body).toEqual({
      items: [
        { owner: 'acme', repo: 'repos-a', at: expect.any(String), new: 1, updated: 0, closed: 0 },
        { owner: 'Acme', repo: 'Repos-B', at: expect.any(String), new: 1, updated: 0, closed: 0 },
      ],
    });
    for (const r of body.items) expect(r.at >= before).toBe(true);

    const scoped = await ctx.request({ method: 'GET', url: `/projects/${p.id}/ingest/github/repos` });
    expect(scoped.json()).toEqual(body);
    expect(
      (await ctx.request({ method: 'GET', url: '/ingest/github/repos', token: other.apiKey })).json(),
    ).toEqual({
      items: [],
    });
    const denied = await ctx.request({
      method: 'GET',
      url: `/projects/${p.id}/ingest/github/repos`,
      token: other.apiKey,
    });
    expect(denied.statusCode).toBe(403);
  });
});

describe('POST /ingest/github/webhook with a project secret', () => {
  const SECRET = 'project-webhook-secret';
  let p: { id: string; apiKey: string };
  let url: string;
  const repo = 'acme/hooks';

  beforeAll(async () => {
    p = await ctx.createProject();
    url = `/projects/${p.id}/ingest/github/webhook`;
    const res = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/secrets`,
      payload: { githubWebhookSecret: SECRET },
    });
    expect(res.statusCode).toBe(204);
  });

  it('answers a signed ping with 200', async () => {
    const ping = {
      zen: 'Keep it logically awesome.',
      hook_id: 1,
      hook: { type: 'Repository', events: ['issues'] },
    };
    const res = await deliver({ url, event: 'ping', body: ping, secret: SECRET });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, ignored: 'ping' });
  });

  it('stores an opened issue, refreshes it when edited, and follows close and re-open', async () => {
    const issue = githubIssue(repo, 7, '2026-02-01T00:00:00Z', { title: 'Crash on save' });
    const opened = await deliver({
      url,
      event: 'issues',
      body: issuesEvent('opened', repo, issue),
      secret: SECRET,
    });
    expect(opened.statusCode).toBe(201);
    const item = opened.json();
    expect(item).toMatchObject({
      projectId: p.id,
      source: 'github',
      externalId: 'acme/hooks#7',
      title: 'Crash on save',
      url: 'https://github.com/acme/hooks/issues/7',
      status: 'open',
      duplicate: false,
    });
    expect(await unclustered(p.id)).toContain(item.id);

    const edited = await deliver({
      url,
      event: 'issues',
      body: issuesEvent('edited', repo, {
        ...issue,
        title: 'Crash on save (v2)',
        updated_at: '2026-02-01T01:00:00Z',
      }),
      secret: SECRET,
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: item.id, title: 'Crash on save (v2)', duplicate: true });

    const closed = await deliver({
      url,
      event: 'issues',
      body: issuesEvent('closed', repo, { ...issue, state: 'closed', updated_at: '2026-02-01T02:00:00Z' }),
      secret: SECRET,
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ id: item.id, status: 'closed' });
    expect(await unclustered(p.id)).not.toContain(item.id);

    const reopened = await deliver({
      url,
      event: 'issues',
      body: issuesEvent('reopened', repo, { ...issue, state: 'open', updated_at: '2026-02-01T03:00:00Z' }),
      secret: SECRET,
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ id: item.id, status: 'open' });
    expect(await unclustered(p.id)).toContain(item.id);
    expect(await stored(p.id)).toBe(1);
  });

  it('refuses a missing, wrong or foreign signature with 401 and stores nothing', async () => {
    const before = await stored(p.id);
    const body = issuesEvent('opened', repo, githubIssue(repo, 8, '2026-02-02T00:00:00Z'));
    const attempts: Delivery[] = [
      { url, event: 'issues', body },
      { url, event: 'issues', body, token: p.apiKey },
      { url, event: 'issues', body, token: ctx.adminToken },
      { url, event: 'issues', body, secret: 'not-the-secret' },
      { url, event: 'issues', body, secret: ENV_WEBHOOK_SECRET },
      { url, event: 'issues', body, signature: sign(SECRET, '{}') },
      {
        url,
        event: 'issues',
        body,
        signature: sign(SECRET, JSON.stringify(body)).replace('sha256=', 'sha1='),
      },
    ];
    for (const attempt of attempts) {
      const res = await deliver(attempt);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_signature');
    }
    expect(await stored(p.id)).toBe(before);
    expect(await idOf(p.id, 'acme/hooks#8')).toBeNull();
  });

  it('ignores pull requests', async () => {
    const before = await stored(p.id);
    const pr = {
      action: 'opened',
      number: 11,
      pull_request: {
        number: 11,
        title: 'Fix crash',
        state: 'open',
        html_url: 'https://github.com/acme/hooks/pull/11',
      },
      repository: issuesEvent('opened', repo, githubIssue(repo, 11, '2026-02-02T00:00:00Z')).repository,
    };
    const prEvent = await deliver({ url, event: 'pull_request', body: pr, secret: SECRET });
    expect(prEvent.statusCode).toBe(202);
    expect(prEvent.json()).toEqual({ ok: true, ignored: 'pull_request' });

    const asIssue = githubIssue(repo, 12, '2026-02-02T00:00:00Z', {
      pull_request: {
        url: 'https://api.github.com/repos/acme/hooks/pulls/12',
        html_url: 'https://github.com/acme/hooks/pull/12',
      },
    });
    const issuesForPr = await deliver({
      url,
      event: 'issues',
      body: issuesEvent('opened', repo, asIssue),
      secret: SECRET,
    });
    expect(issuesForPr.statusCode).toBe(202);
    expect(issuesForPr.json()).toEqual({ ok: true, ignored: 'pull request' });
    expect(await stored(p.id)).toBe(before);
  });

  it('answers 422 for a signed issues event without an issue', async () => {
    const res = await deliver({
      url,
      event: 'issues',
      body: { action: 'opened', repository: {} },
      secret: SECRET,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('validation_failed');
  });
});

describe('POST /ingest/github/webhook without a project secret', () => {
  it('needs a key of that project instead', async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const url = `/projects/${p.id}/ingest/github/webhook`;
    const body = issuesEvent('opened', 'acme/keyed', githubIssue('acme/keyed', 1, '2026-02-03T00:00:00Z'));

    const none = await deliver({ url, event: 'issues', body });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const foreign = await deliver({ url, event: 'issues', body, token: other.apiKey });
    expect(foreign.statusCode).toBe(401);
    // The env secret belongs to the default project only.
    const envSigned = await deliver({ url, event: 'issues', body, secret: ENV_WEBHOOK_SECRET });
    expect(envSigned.statusCode).toBe(401);
    expect(await stored(p.id)).toBe(0);

    const keyed = await deliver({ url, event: 'issues', body, token: p.apiKey });
    expect(keyed.statusCode).toBe(201);
    expect(keyed.json()).toMatchObject({ projectId: p.id, externalId: 'acme/keyed#1' });
    expect(await stored(p.id)).toBe(1);
  });

  it('answers 404 for a project that does not exist', async () => {
    const res = await deliver({
      url: '/projects/no-such-project/ingest/github/webhook',
      event: 'ping',
      body: {},
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /ingest/github/webhook at the root (the default project)', () => {
  it('verifies against GITHUB_WEBHOOK_SECRET', async () => {
    const repo = `acme/root-${ctx.tag}`;
    const body = issuesEvent('opened', repo, githubIssue(repo, 1, '2026-02-04T00:00:00Z'));
    const wrong = await deliver({ url: '/ingest/github/webhook', event: 'issues', body, secret: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(await idOf('default', `${repo}#1`)).toBeNull();

    const res = await deliver({
      url: '/ingest/github/webhook',
      event: 'issues',
      body,
      secret: ENV_WEBHOOK_SECRET,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ projectId: 'default', externalId: `${repo}#1` });
    expect(await idOf('default', `${repo}#1`)).toBe(res.json().id);
  });
});

describe('GitHub sync and webhook together', () => {
  it('refer to one issue by one external id, whatever the case of the names', async () => {
    const p = await ctx.createProject();
    repos.set('acme/tools', [githubIssue('acme/tools', 3, '2026-02-05T00:00:00Z', { title: 'Slow search' })]);
    expect((await sync(`/projects/${p.id}/ingest/github/sync/acme/tools`)).json()).toEqual({
      new: 1,
      updated: 0,
      closed: 0,
    });
    const id = await idOf(p.id, 'acme/tools#3');
    const issue = githubIssue('Acme/Tools', 3, '2026-02-05T01:00:00Z', { title: 'Slow search (edited)' });
    const res = await deliver({
      url: `/projects/${p.id}/ingest/github/webhook`,
      event: 'issues',
      body: issuesEvent('edited', 'Acme/Tools', issue),
      token: p.apiKey,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, externalId: 'acme/tools#3', title: 'Slow search (edited)' });
    expect(await stored(p.id)).toBe(1);
  });
});
