import type { ClusteringStatus, FeedbackItem, ImportResult, Project } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';
import {
  type GithubRepoFixture,
  githubReposApi,
  githubRepository,
  type Reply,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

const SERVER_TOKEN = 'ghp_server0000000000000000000000000000000';
const PROJECT_TOKEN = 'ghp_project000000000000000000000000000000';
const REQUEST_TOKEN = 'ghp_request000000000000000000000000000000';
const READER_TOKEN = 'ghp_reader0000000000000000000000000000000';
const UNKNOWN_TOKEN = 'ghp_unknown000000000000000000000000000000';
const ALL_TOKENS = [SERVER_TOKEN, PROJECT_TOKEN, REQUEST_TOKEN, READER_TOKEN, UNKNOWN_TOKEN];

const write = { admin: false, push: true, pull: true };
const read = { admin: false, push: false, pull: true };
const repos = new Map<string, GithubRepoFixture>([
  [
    'acme/web',
    {
      repository: githubRepository('Acme/web', {
        private: true,
        visibility: 'private',
        default_branch: 'trunk',
        open_issues_count: 12,
      }),
      access: { [SERVER_TOKEN]: write, [PROJECT_TOKEN]: write, [REQUEST_TOKEN]: write, [READER_TOKEN]: read },
    },
  ],
  ['acme/docs', { repository: githubRepository('acme/docs', { open_issues_count: 3 }), access: {} }],
]);

let gh: StandIn;
let ctx: TestContext;
/** A server without GITHUB_TOKEN, to check anonymously. */
let bare: TestContext;

beforeAll(async () => {
  gh = await startStandIn(githubReposApi(repos, new Set(ALL_TOKENS.filter((t) => t !== UNKNOWN_TOKEN))));
  ctx = await createTestContext({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: SERVER_TOKEN });
  bare = await createTestContext({ GITHUB_API_URL: gh.url });
});
afterAll(async () => {
  await ctx?.close();
  await bare?.close();
  await gh?.close();
});

interface ErrorReply {
  error: { code: string; message: string; details?: { issues?: Array<{ path: string; message: string }> } };
}

/** The requests the GitHub stand-in received while `run` ran. */
async function during<T>(run: () => Promise<T>) {
  const from = gh.requests.length;
  const result = await run();
  return { result, requests: gh.requests.slice(from) };
}

describe('PATCH /projects/{pid}', () => {
  const rename = (c: TestContext, pid: string, payload: unknown, token?: string) =>
    c.request({ method: 'PATCH', url: `/projects/${pid}`, payload: payload as object, token });

  it('renames a project with its own key; the id, keys and settings stay', async () => {
    const p = await ctx.createProject();
    const before = (await ctx.request({ method: 'GET', url: `/projects/${p.id}` })).json<Project>();
    const res = await rename(ctx, p.id, { name: '  Acme Web  ' }, p.apiKey);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...before, name: 'Acme Web' });
    expect(await ctx.runtime.container.redis.hget(keys.project(p.id), 'name')).toBe('Acme Web');
    const after = await ctx.request({ method: 'GET', url: `/projects/${p.id}`, token: p.apiKey });
    expect(after.json()).toEqual({ ...before, name: 'Acme Web' });
  });

  it('lets the admin key rename any project', async () => {
    const p = await ctx.createProject();
    const res = await rename(ctx, p.id, { name: 'Renamed by admin' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: p.id, name: 'Renamed by admin' });
  });

  it("refuses another project's key and answers 404 for an unknown project", async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const forbidden = await rename(ctx, p.id, { name: 'Hijacked' }, other.apiKey);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<ErrorReply>().error.code).toBe('forbidden');
    expect(await ctx.runtime.container.redis.hget(keys.project(p.id), 'name')).not.toBe('Hijacked');

    const missing = await rename(ctx, `nope-${ctx.tag}`, { name: 'Ghost' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorReply>().error.code).toBe('not_found');
    expect(await ctx.runtime.container.redis.exists(keys.project(`nope-${ctx.tag}`))).toBe(0);
  });

  it('answers 422 with the field path for a bad name, and 400 for malformed JSON', async () => {
    const p = await ctx.createProject();
    const cases: Array<[unknown, string]> = [
      [{ name: '' }, 'body.name'],
      [{ name: '   ' }, 'body.name'],
      [{ name: '!!!' }, 'body.name'],
      [{ name: 'x'.repeat(101) }, 'body.name'],
      [{ name: 42 }, 'body.name'],
      [{}, 'body.name'],
      [{ name: 'Fine', id: 'other-id' }, 'body'],
    ];
    for (const [payload, path] of cases) {
      const res = await rename(ctx, p.id, payload, p.apiKey);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      const { error } = res.json<ErrorReply>();
      expect(error.code).toBe('validation_failed');
      expect(error.details?.issues?.[0]?.path).toBe(path);
    }
    const malformed = await ctx.request({
      method: 'PATCH',
      url: `/projects/${p.id}`,
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
      token: p.apiKey,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<ErrorReply>().error.code).toBe('invalid_json');
    const unchanged = await ctx.request({ method: 'GET', url: `/projects/${p.id}` });
    expect(unchanged.json<Project>().name).toMatch(/^Test /);
  });
});

describe('POST /projects/{pid}/repository/check', () => {
  const check = (c: TestContext, pid: string, payload: object, token?: string) =>
    c.request({ method: 'POST', url: `/projects/${pid}/repository/check`, payload, token });

  it("asks with the request's token first, then the project's, then the server's, and stores nothing", async () => {
    const p = await ctx.createProject();
    const fromServer = await during(() => check(ctx, p.id, { owner: 'acme', name: 'web' }, p.apiKey));
    expect(fromServer.result.statusCode).toBe(200);
    expect(fromServer.result.json()).toEqual({
      fullName: 'Acme/web',
      defaultBranch: 'trunk',
      private: true,
      htmlUrl: 'https://github.com/Acme/web',
      openIssues: 12,
      canPush: true,
      tokenSource: 'server',
    });
    expect(fromServer.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/repos/acme/web', `token ${SERVER_TOKEN}`],
    ]);

    const stored = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/secrets`,
      payload: { githubToken: PROJECT_TOKEN },
      token: p.apiKey,
    });
    expect(stored.statusCode).toBe(204);
    const fromProject = await during(() => check(ctx, p.id, { owner: 'acme', name: 'web' }, p.apiKey));
    expect(fromProject.result.json()).toMatchObject({ tokenSource: 'project', canPush: true });
    expect(fromProject.requests.map((r) => r.headers.authorization)).toEqual([`token ${PROJECT_TOKEN}`]);

    const fromRequest = await during(() =>
      check(ctx, p.id, { owner: 'acme', name: 'web', token: READER_TOKEN }, p.apiKey),
    );
    expect(fromRequest.result.json()).toMatchObject({ tokenSource: 'request', canPush: false });
    expect(fromRequest.requests.map((r) => r.headers.authorization)).toEqual([`token ${READER_TOKEN}`]);

    // Nothing of the check was kept: no repository settings, and the stored token is the one PUT.
    expect((await ctx.request({ method: 'GET', url: `/projects/${p.id}/repository` })).statusCode).toBe(404);
    const secrets = await ctx.runtime.container.redis.hgetall(keys.secrets(p.id));
    expect(Object.keys(secrets)).toEqual(['githubToken']);
    expect(JSON.stringify(secrets)).not.toContain(READER_TOKEN);
  });

  it('asks anonymously when no token is known: public repositories answer, without push rights', async () => {
    const p = await bare.createProject();
    const pub = await during(() => check(bare, p.id, { owner: 'acme', name: 'docs' }, p.apiKey));
    expect(pub.result.statusCode).toBe(200);
    expect(pub.result.json()).toEqual({
      fullName: 'acme/docs',
      defaultBranch: 'main',
      private: false,
      htmlUrl: 'https://github.com/acme/docs',
      openIssues: 3,
      canPush: false,
      tokenSource: 'none',
    });
    expect(pub.requests.map((r) => r.headers.authorization)).toEqual([undefined]);

    const priv = await check(bare, p.id, { owner: 'acme', name: 'web' }, p.apiKey);
    expect(priv.statusCode).toBe(422);
    expect(priv.json<ErrorReply>().error).toMatchObject({
      code: 'validation_failed',
      details: {
        issues: [
          {
            path: 'name',
            message: 'no repository acme/web is visible without a token (a private one needs a token)',
          },
        ],
      },
    });
  });

  it('answers 422 on the token when GitHub rejects it (never 401), and never echoes the token', async () => {
    const p = await ctx.createProject();
    const { result, requests } = await during(() =>
      check(ctx, p.id, { owner: 'acme', name: 'web', token: UNKNOWN_TOKEN }, p.apiKey),
    );
    expect(result.statusCode).toBe(422);
    expect(result.json<ErrorReply>().error).toEqual({
      code: 'validation_failed',
      message: 'token: GitHub rejected this token (the token in the request)',
      details: { issues: [{ path: 'token', message: 'GitHub rejected this token' }], tokenSource: 'request' },
    });
    expect(result.body).not.toContain(UNKNOWN_TOKEN);
    expect(requests.map((r) => r.headers.authorization)).toEqual([`token ${UNKNOWN_TOKEN}`]);
  });

  it('answers 422 on the name when the token cannot see the repository', async () => {
    const p = await ctx.createProject();
    const res = await check(ctx, p.id, { owner: 'acme', name: 'missing', token: REQUEST_TOKEN }, p.apiKey);
    expect(res.statusCode).toBe(422);
    expect(res.json<ErrorReply>().error).toMatchObject({
      code: 'validation_failed',
      details: {
        issues: [{ path: 'name', message: 'no repository acme/missing is visible with this token' }],
      },
    });
    expect(res.body).not.toContain(REQUEST_TOKEN);
  });

  it('answers 429 at once on a GitHub rate limit, without waiting for the reset', async () => {
    const p = await ctx.createProject();
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const limits: Reply[] = [
      {
        status: 403,
        headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: { message: 'API rate limit exceeded for user ID 1.' },
      },
      {
        status: 429,
        headers: { 'retry-after': '60' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      },
    ];
    for (const limited of limits) {
      gh.enqueue(limited);
      const started = Date.now();
      const { result, requests } = await during(() =>
        check(ctx, p.id, { owner: 'acme', name: 'web' }, p.apiKey),
      );
      expect(result.statusCode).toBe(429);
      expect(result.json<ErrorReply>().error.code).toBe('rate_limited');
      expect(requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('answers 422 on the token when GitHub refuses it for another reason (403)', async () => {
    const p = await ctx.createProject();
    gh.enqueue({
      status: 403,
      body: { message: 'Resource protected by organization SAML enforcement.' },
    });
    const res = await check(ctx, p.id, { owner: 'acme', name: 'web' }, p.apiKey);
    expect(res.statusCode).toBe(422);
    expect(res.json<ErrorReply>().error.details?.issues).toEqual([
      { path: 'token', message: 'GitHub refused this token access to acme/web' },
    ]);
  });

  it('answers 502 upstream_unavailable when GitHub keeps failing (one retry)', async () => {
    const p = await ctx.createProject();
    const down = { status: 502, body: { message: 'Server Error' } };
    gh.enqueue(down, down);
    const { result, requests } = await during(() =>
      check(ctx, p.id, { owner: 'acme', name: 'web' }, p.apiKey),
    );
    expect(result.statusCode).toBe(502);
    expect(result.json<ErrorReply>().error.code).toBe('upstream_unavailable');
    expect(result.body).not.toContain(SERVER_TOKEN);
    expect(requests).toHaveLength(2);
  });

  it("refuses another project's key and bad bodies before asking GitHub", async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const cases: Array<[object, string | undefined, number]> = [
      [{ owner: 'acme', name: 'web' }, other.apiKey, 403],
      [{ owner: 'acme corp', name: 'web' }, p.apiKey, 422],
      [{ owner: 'acme' }, p.apiKey, 422],
      [{ owner: 'acme', name: 'web', token: '' }, p.apiKey, 422],
      [{ owner: 'acme', name: 'web', branch: 'main' }, p.apiKey, 422],
    ];
    for (const [payload, token, status] of cases) {
      const { result, requests } = await during(() => check(ctx, p.id, payload, token));
      expect(result.statusCode, JSON.stringify(payload)).toBe(status);
      expect(requests).toHaveLength(0);
    }
  });
});

describe('POST /projects/{pid}/feedback/sample', () => {
  const load = (pid: string, token?: string) =>
    ctx.request({ method: 'POST', url: `/projects/${pid}/feedback/sample`, token });

  it('loads the sample once, sends it to clustering, and finds it all duplicate the second time', async () => {
    const p = await ctx.createProject();
    const started = Date.now();
    const first = await load(p.id, p.apiKey);
    expect(first.statusCode).toBe(200);
    const report = first.json<ImportResult>();
    const n = report.results.length;
    expect(n).toBeGreaterThanOrEqual(35);
    expect(report).toMatchObject({ created: n, duplicates: 0, rejected: 0 });
    expect(report.results.every((r, i) => r.index === i && r.status === 'created' && r.id)).toBe(true);

    const page = await ctx.request({
      method: 'GET',
      url: `/projects/${p.id}/feedback?source=sample&limit=200`,
      token: p.apiKey,
    });
    const items = page.json<{ items: FeedbackItem[] }>().items;
    expect(items.map((i) => i.id).sort()).toEqual(report.results.map((r) => r.id).sort());
    expect(items.map((i) => i.externalId).sort()).toEqual(
      Array.from({ length: n }, (_, i) => `sample-${String(i + 1).padStart(2, '0')}`),
    );
    for (const item of items) {
      expect(item).toMatchObject({ projectId: p.id, source: 'sample', status: 'open' });
      expect(item.metadata).toEqual({ sample: true, topic: expect.any(String) });
      const age = started - Date.parse(item.createdAt);
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual(14 * 86_400_000);
    }
    // Sent to clustering like any import: every report waits for the worker.
    const status = await ctx.request({ method: 'GET', url: `/projects/${p.id}/clustering/status` });
    expect(status.json<ClusteringStatus>().pendingCount).toBe(n);

    const second = await load(p.id);
    expect(second.statusCode).toBe(200);
    const again = second.json<ImportResult>();
    expect(again).toMatchObject({ created: 0, duplicates: n, rejected: 0 });
    expect(again.results.map((r) => r.id)).toEqual(report.results.map((r) => r.id));
    const count = await ctx.runtime.container.redis.zcard(keys.feedbackCreated(p.id));
    expect(count).toBe(n);
  });

  it("exists only under /projects/{pid}, and refuses another project's key", async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const root = await ctx.request({ method: 'POST', url: '/feedback/sample', token: p.apiKey });
    expect(root.statusCode).toBe(404);
    const forbidden = await load(p.id, other.apiKey);
    expect(forbidden.statusCode).toBe(403);
    expect(await ctx.runtime.container.redis.zcard(keys.feedbackCreated(p.id))).toBe(0);
  });
});
