import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentJob } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, sessionCookieOf, signUp } from './support/accounts.js';
import { type ClusterApi, clusterApi, ok, type Project, sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import {
  type GithubOAuthFixture,
  githubOAuthAccount,
  githubOAuthApi,
  type RecordedRequest,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

/**
 * The PR of a fix started by a person who signed in with GitHub is opened with their token; the
 * job keeps only their id. Real parts: the worker, the local runner, git against a bare origin,
 * GitHub's OAuth and REST API played by one local stand-in.
 */
const control: OpenAiApiControl = openAiControl();
const PROJECT_TOKEN = 'ghp_project_token_0123456789';
const fixture: GithubOAuthFixture = {
  clientId: 'Iv1.agents',
  clientSecret: 'agents-secret',
  codes: new Map(),
};
const oauth = githubOAuthApi(fixture);
const person = githubOAuthAccount(7_001, 'fixer', 'fixer@example.com');
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;
let dir: string;
let origin: string;
let prNumber = 0;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function route(req: RecordedRequest, base: string) {
  if (req.method === 'POST' && req.path === '/repos/acme/shop/pulls') {
    prNumber++;
    return {
      status: 201,
      body: {
        id: 9_000 + prNumber,
        number: prNumber,
        html_url: `https://github.com/acme/shop/pull/${prNumber}`,
        draft: true,
      },
    };
  }
  if (req.path.startsWith('/v1/')) return openAiApi(control)(req, base);
  return oauth(req, base);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fixloop-user-token-'));
  const scripts = join(dir, 'scripts');
  mkdirSync(scripts);
  const seed = join(dir, 'seed');
  mkdirSync(join(seed, 'shop'), { recursive: true });
  writeFileSync(join(seed, 'shop/cart.py'), 'def total(items, coupon):\n    return sum(items)\n');
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
  git(seed, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
  origin = join(dir, 'origin.git');
  git(dir, 'clone', '-q', '--bare', seed, origin);
  writeFileSync(join(scripts, 'agent.sh'), '#!/bin/sh\nprintf "    # coupon\\n" >> "$2/shop/cart.py"\n');
  chmodSync(join(scripts, 'agent.sh'), 0o755);

  api = await startStandIn(route);
  ctx = await createTestContext({
    ALLOW_SIGNUP: 'true',
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    GITHUB_API_URL: api.url,
    GITHUB_OAUTH_URL: api.url,
    GITHUB_CLIENT_ID: fixture.clientId,
    GITHUB_CLIENT_SECRET: fixture.clientSecret,
    CLUSTERING_SIM_THRESHOLD: '0.8',
    CLUSTERING_DEBOUNCE_MS: '0',
    ALLOW_LOCAL_REPOSITORIES: 'true',
    CODING_AGENT_COMMAND: `sh ${scripts}/agent.sh {task_file} {workspace}`,
    CODING_AGENT_RO_BINDS: scripts,
    CODING_AGENT_TIMEOUT_S: '10',
    ROLE: 'all',
  });
  http = clusterApi(ctx);
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function projectWithRepository(): Promise<Project> {
  const p = await ctx.createProject();
  await ok(
    ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/repository`,
      token: p.apiKey,
      payload: { owner: 'acme', name: 'shop', defaultBranch: 'main', cloneUrl: origin },
    }),
  );
  const secrets = await ctx.request({
    method: 'PUT',
    url: `/projects/${p.id}/secrets`,
    token: p.apiKey,
    payload: { githubToken: PROJECT_TOKEN },
  });
  expect(secrets.statusCode).toBe(204);
  return p;
}

async function signInWithGithub(): Promise<string> {
  await signUp(ctx, { name: 'Operator' }); // the first account
  const code = 'agent-code-1';
  fixture.codes.set(code, person);
  const started = await ctx.request({ method: 'GET', url: '/auth/github', token: null });
  const state = new URL(String(started.headers.location)).searchParams.get('state') ?? '';
  const back = await ctx.request({
    method: 'GET',
    url: `/auth/github/callback?code=${code}&state=${state}`,
    token: null,
    headers: { cookie: `fixloop_oauth_state=${state}` },
  });
  expect(back.headers.location).toBe('/app/');
  return sessionCookieOf(back);
}

async function finished(p: Project, id: string): Promise<AgentJob> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const job = await ok<AgentJob>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/jobs/${id}`, token: p.apiKey }),
    );
    if (job.status !== 'queued' && job.status !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`job did not end: ${JSON.stringify(job)}`);
    await sleep(100);
  }
}

describe('a fix started by a user who signed in with GitHub', () => {
  it('opens the PR with their token, keeps only their id on the job, and never stores or logs the token', async () => {
    const session = await signInWithGithub();
    const me = await asSession(ctx, session, { method: 'GET', url: '/auth/me' });
    const userId = me.json<{ principal: { user: { id: string } } }>().principal.user.id;
    const p = await projectWithRepository();
    await ok(
      ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/members`,
        token: p.apiKey,
        payload: { email: 'fixer@example.com', role: 'member' },
      }),
    );
    const { cluster } = (await http.seed(p, { delta: 2 })).delta as { cluster: string };
    const before = api.requests.length;

    const queued = await ok<AgentJob>(
      asSession(ctx, session, { method: 'POST', url: `/projects/${p.id}/clusters/${cluster}/start_fix` }),
      202,
    );
    expect(queued.startedBy).toBe(userId);
    const stored = await ctx.runtime.container.redis.hgetall(keys.agentJob(p.id, queued.id));
    expect(stored.startedBy).toBe(userId);
    expect(JSON.stringify(stored)).not.toContain(person.token);

    const job = await finished(p, queued.id);
    expect(job.status, job.error).toBe('succeeded');
    const prs = api.requests.slice(before).filter((r) => r.path === '/repos/acme/shop/pulls');
    expect(prs).toHaveLength(1);
    expect(prs[0]?.headers.authorization).toBe(`token ${person.token}`);
    const logs = await ctx.request({
      method: 'GET',
      url: `/projects/${p.id}/jobs/${job.id}/logs?limit=1000`,
      token: p.apiKey,
    });
    expect(logs.body).not.toContain(person.token);
    const history = await ok<{ items: Array<{ actor: string }> }>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/clusters/${cluster}/history`, token: p.apiKey }),
    );
    expect(history.items.map((h) => h.actor)).toContain(`user:${userId}`);

    // A fix started with the project's key uses the project's token, as before.
    const { cluster: other } = (await http.seed(p, { epsilon: 2 })).epsilon as { cluster: string };
    const mark = api.requests.length;
    const byKey = await ok<AgentJob>(
      ctx.request({ method: 'POST', url: `/projects/${p.id}/clusters/${other}/start_fix`, token: p.apiKey }),
      202,
    );
    expect(byKey.startedBy).toBeUndefined();
    expect((await finished(p, byKey.id)).status).toBe('succeeded');
    const keyPr = api.requests.slice(mark).find((r) => r.path === '/repos/acme/shop/pulls');
    expect(keyPr?.headers.authorization).toBe(`token ${PROJECT_TOKEN}`);
  }, 90_000);
});
