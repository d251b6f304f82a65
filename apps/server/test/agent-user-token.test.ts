import { rmSync } from 'node:fs';
import type { AgentJob } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, sessionCookieOf, signUp } from './support/accounts.js';
import {
  type AgentRepository,
  createAgentRepository,
  createProjectWithRepository,
  pullRequestApi,
} from './support/agent-fixture.js';
import { type ClusterApi, clusterApi, ok, type Project, sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import {
  type GithubOAuthFixture,
  githubOAuthAccount,
  githubOAuthApi,
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
let repo: AgentRepository;

beforeAll(async () => {
  repo = createAgentRepository('fixloop-user-token-');
  repo.agentDoes('printf "    # coupon\\n" >> "$2/shop/cart.py"');

  api = await startStandIn(
    pullRequestApi((req, base) =>
      req.path.startsWith('/v1/') ? openAiApi(control)(req, base) : oauth(req, base),
    ),
  );
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
    CODING_AGENT_COMMAND: `sh ${repo.scripts}/agent.sh {task_file} {workspace}`,
    CODING_AGENT_RO_BINDS: repo.scripts,
    CODING_AGENT_TIMEOUT_S: '10',
    ROLE: 'all',
  });
  http = clusterApi(ctx);
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await api?.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

const projectWithRepository = () => createProjectWithRepository(ctx, repo.origin, PROJECT_TOKEN);

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
