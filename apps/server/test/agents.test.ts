import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentJob, Cluster, CodingPlan, JobLogLine } from '@fixloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  uniqueSleep,
  waitUntilGone,
} from '../../../packages/adapters/src/runners/local/testing/processes.js';
import {
  type AgentRepository,
  CART_PY,
  createAgentRepository,
  createProjectWithRepository,
  git,
  pullRequestApi,
} from './support/agent-fixture.js';
import { type ClusterApi, clusterApi, expectError, ok, type Project, sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import { type RecordedRequest, type StandIn, startStandIn } from './support/stand-ins.js';

/**
 * From cluster to draft PR with real parts: the BullMQ worker, the local runner in bubblewrap,
 * real git against a bare origin, and a local stand-in for GitHub's REST API (and for the
 * embeddings that make the clusters). The agent is a small shell script the tests rewrite.
 */
const control: OpenAiApiControl = openAiControl();
const TOKEN = 'ghp_agenttest_0123456789abcdef';
const SERVER_SECRET = 'server-only-secret-value-42';
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;
let repo: AgentRepository;

beforeAll(async () => {
  repo = createAgentRepository('fixloop-agents-', { 'shop/cart.py': CART_PY, 'README.md': '# shop\n' });
  repo.agentDoes('exit 0');
  process.env.FIXLOOP_AGENT_TEST_SECRET = SERVER_SECRET;

  api = await startStandIn(pullRequestApi(openAiApi(control)));
  ctx = await createTestContext({
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    GITHUB_API_URL: api.url,
    GITHUB_TOKEN: 'ghp_server_fallback_token_999',
    CLUSTERING_SIM_THRESHOLD: '0.8',
    CLUSTERING_DEBOUNCE_MS: '0',
    ALLOW_LOCAL_REPOSITORIES: 'true',
    CODING_AGENT_COMMAND: `sh ${repo.scripts}/agent.sh {task_file} {workspace}`,
    CODING_AGENT_RO_BINDS: repo.scripts,
    CODING_AGENT_TIMEOUT_S: '4',
    AGENT_MAX_CONCURRENT_RUNS: '1',
    ROLE: 'all',
  });
  http = clusterApi(ctx);
});

afterAll(async () => {
  await ctx?.close();
  await api?.close();
  delete process.env.FIXLOOP_AGENT_TEST_SECRET;
  rmSync(repo.dir, { recursive: true, force: true });
});

const projectWithRepository = () => createProjectWithRepository(ctx, repo.origin, TOKEN);

const call = (p: Project, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
  ctx.request({ method, url, token: p.apiKey, ...(payload === undefined ? {} : { payload }) });

async function waitForJob(p: Project, id: string, until: (j: AgentJob) => boolean): Promise<AgentJob> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await ok<AgentJob>(call(p, 'GET', `/jobs/${id}`));
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(job)}`);
    await sleep(50);
  }
}
const ended = (j: AgentJob) => j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled';

async function logOf(p: Project, jobId: string): Promise<JobLogLine[]> {
  return (await ok<{ items: JobLogLine[] }>(call(p, 'GET', `/jobs/${jobId}/logs?limit=1000`))).items;
}

const branches = () =>
  git(repo.origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean);

describe('coding plans', () => {
  it('generates a plan that cites every report, reads and saves human edits, and 404s before one exists', async () => {
    const p = await projectWithRepository();
    const seeded = await http.seed(p, { alpha: 3 });
    const { cluster, reports } = seeded.alpha as { cluster: string; reports: string[] };
    await expectError(call(p, 'GET', `/clusters/${cluster}/plan`), 404, 'not_found');
    await expectError(call(p, 'GET', '/clusters/nope/plan'), 404, 'not_found');

    const plan = await ok<CodingPlan>(call(p, 'POST', `/clusters/${cluster}/plan`), 201);
    expect(plan).toMatchObject({ clusterId: cluster, source: 'offline' });
    expect(plan.citations.map((c) => c.feedbackId).sort()).toEqual([...reports].sort());
    expect(plan.repositoryCommit).toBe(git(repo.origin, 'rev-parse', 'main'));
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(await ok<CodingPlan>(call(p, 'GET', `/clusters/${cluster}/plan`))).toEqual(plan);
    expect((await http.detail(p, cluster)).status).toBe('planned');

    const edit = {
      title: 'Apply the coupon in total()',
      summary: 'total() ignores the coupon.',
      hypotheses: ['the coupon argument is unused'],
      candidateFiles: [{ path: 'shop/cart.py', reason: 'total() lives here' }],
      steps: ['Subtract the coupon'],
      validation: ['test -f shop/cart.py'],
      risk: 'low',
    };
    const saved = await ok<CodingPlan>(call(p, 'PUT', `/clusters/${cluster}/plan`, edit));
    expect(saved).toMatchObject({ ...edit, id: plan.id, source: 'edited', createdAt: plan.createdAt });
    expect(saved.citations).toEqual(plan.citations);
    await expectError(
      call(p, 'PUT', `/clusters/${cluster}/plan`, { ...edit, risk: 'extreme' }),
      422,
      'validation_failed',
    );
    await expectError(call(p, 'PUT', `/clusters/${cluster}/plan`, { title: 'x' }), 422, 'validation_failed');
  });
});

describe('fixing a cluster', () => {
  it('runs the agent in the sandbox, pushes a branch and opens a draft PR that links every report', async () => {
    const p = await projectWithRepository();
    const seeded = await http.seed(p, { beta: 3 });
    const { cluster, reports } = seeded.beta as { cluster: string; reports: string[] };
    await ok(
      call(p, 'PUT', `/clusters/${cluster}/plan`, {
        title: 'Apply the coupon in total()',
        summary: 'total() ignores the coupon.',
        hypotheses: [],
        candidateFiles: [{ path: 'shop/cart.py', reason: 'total() lives here' }],
        steps: ['Subtract the coupon'],
        validation: ['grep -q coupon shop/cart.py', 'exit 3'],
        risk: 'low',
      }),
    );
    repo.agentDoes(
      [
        'set -e',
        'head -n 1 "$1"',
        'printf "    # apply the coupon\\n" >> "$2/shop/cart.py"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
        'echo "token=${FIXLOOP_GIT_TOKEN:-none} github=${GITHUB_TOKEN:-none}"',
      ].join('\n'),
    );
    const requestsBefore = api.requests.length;

    const queued = await ok<AgentJob>(call(p, 'POST', `/clusters/${cluster}/start_fix`), 202);
    expect(queued).toMatchObject({ clusterId: cluster, runner: 'local', status: 'queued' });
    await expectError(call(p, 'POST', `/clusters/${cluster}/start_fix`), 409, 'conflict');
    expect((await http.detail(p, cluster)).status).toBe('fixing');

    const job = await waitForJob(p, queued.id, ended);
    expect(job.status, job.error).toBe('succeeded');
    expect(job.branch).toMatch(/^fixloop\/[a-z0-9]{1,8}-[a-z0-9]{1,8}$/);
    expect(job.startedAt).toBeDefined();
    expect(job.finishedAt).toBeDefined();
    expect(job.stats).toMatchObject({ filesChanged: 1, insertions: 1, validationPassed: false });

    // The pushed branch: one commit on top of main, with the agent's change.
    const branch = job.branch as string;
    expect(branches()).toContain(branch);
    expect(git(repo.origin, 'rev-parse', branch)).toBe(job.commitSha);
    expect(git(repo.origin, 'rev-parse', `${branch}~1`)).toBe(git(repo.origin, 'rev-parse', 'main'));
    expect(git(repo.origin, 'show', `${branch}:shop/cart.py`)).toContain('# apply the coupon');
    expect(git(repo.origin, 'log', '-1', '--format=%s', branch)).toBe('Fix: Apply the coupon in total()');

    // The draft PR request GitHub received.
    const prs = api.requests.slice(requestsBefore).filter((r) => r.path === '/repos/acme/shop/pulls');
    expect(prs).toHaveLength(1);
    const pr = prs[0] as RecordedRequest;
    expect(pr.headers.authorization).toBe(`token ${TOKEN}`);
    const body = JSON.parse(pr.body) as {
      head: string;
      base: string;
      draft: boolean;
      title: string;
      body: string;
    };
    expect(body).toMatchObject({
      head: branch,
      base: 'main',
      draft: true,
      title: 'Fix: Apply the coupon in total()',
    });
    expect(body.body).toContain('## Reports (3)');
    expect(body.body).toContain('- `grep -q coupon shop/cart.py`: passed');
    expect(body.body).toContain('- `exit 3`: failed (exit 3)');
    expect(job.prUrl).toMatch(/^https:\/\/github\.com\/acme\/shop\/pull\/\d+$/);

    // The cluster follows, with the PR link and its history.
    const detail = await http.detail(p, cluster);
    expect(detail.status).toBe('pr_opened');
    expect(detail.prUrl).toBe(job.prUrl);
    const history = await ok<{
      items: Array<{ action: string; actor: string; details: Record<string, unknown> }>;
    }>(call(p, 'GET', `/clusters/${cluster}/history`));
    expect(history.items.filter((h) => h.actor === 'agent').map((h) => h.details.to)).toEqual(
      expect.arrayContaining(['fixing', 'pr_opened']),
    );

    // Ordered logs of every step; the token never appears, and the agent never had it.
    const lines = await logOf(p, job.id);
    const steps = [...new Set(lines.map((l) => l.step))];
    for (const step of ['queue', 'prepare', 'clone', 'agent', 'validate', 'commit', 'push', 'pull-request']) {
      expect(steps, `step ${step}`).toContain(step);
    }
    expect(steps.indexOf('clone')).toBeLessThan(steps.indexOf('agent'));
    expect(steps.indexOf('agent')).toBeLessThan(steps.indexOf('push'));
    const ids = lines.map((l) => l.id);
    expect([...ids].sort((a, b) => compareIds(a, b))).toEqual(ids);
    expect(lines.some((l) => l.line.includes('token=none github=none'))).toBe(true);
    expect(lines.some((l) => l.line.includes(TOKEN))).toBe(false);
    expect(lines.some((l) => l.step === 'agent' && l.line.includes('#'))).toBe(true);

    // Followed as Server-Sent Events: every line, then the end with the status.
    const sse = await ctx.request({
      method: 'GET',
      url: `/jobs/${job.id}/logs`,
      token: p.apiKey,
      headers: { accept: 'text/event-stream' },
    });
    expect(sse.headers['content-type']).toContain('text/event-stream');
    expect(sse.body.match(/^event: line$/gm)?.length).toBe(lines.length);
    expect(sse.body).toContain(`event: end\ndata: {"status":"succeeded","prUrl":"${job.prUrl}"}`);
    const resumed = await ctx.request({
      method: 'GET',
      url: `/jobs/${job.id}/logs`,
      token: p.apiKey,
      headers: { accept: 'text/event-stream', 'last-event-id': ids[ids.length - 2] as string },
    });
    expect(resumed.body.match(/^event: line$/gm)?.length).toBe(1);

    expect(
      (await ok<{ items: AgentJob[] }>(call(p, 'GET', `/jobs?clusterId=${cluster}`))).items.map((j) => j.id),
    ).toEqual([job.id]);
    expect(reports).toHaveLength(3);
  });

  it('fails a job whose agent fails or changes nothing, keeps its log, restores the cluster, and retries', async () => {
    const p = await projectWithRepository();
    const { cluster } = (await http.seed(p, { gamma: 2 })).gamma as { cluster: string };
    await ok(call(p, 'POST', `/clusters/${cluster}/plan`), 201);
    const before = branches();

    repo.agentDoes('echo about to fail >&2\nexit 3');
    const first = await ok<AgentJob>(call(p, 'POST', `/clusters/${cluster}/start_fix`), 202);
    const failed = await waitForJob(p, first.id, ended);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('code 3');
    expect((await logOf(p, first.id)).some((l) => l.line.includes('about to fail'))).toBe(true);
    expect((await http.detail(p, cluster)).status).toBe('planned');

    repo.agentDoes('echo looked around');
    const retry = await ok<AgentJob>(call(p, 'POST', `/jobs/${first.id}/retry`), 202);
    expect(retry).toMatchObject({ retryOf: first.id, status: 'queued', clusterId: cluster });
    const unchanged = await waitForJob(p, retry.id, ended);
    expect(unchanged).toMatchObject({ status: 'failed', error: 'agent made no changes' });
    expect(branches()).toEqual(before);
    await expectError(call(p, 'POST', `/jobs/${unchanged.id}/cancel`), 409, 'conflict');
  });

  it('cancels a running agent, kills it, and enforces one active job per project', async () => {
    const p = await projectWithRepository();
    const seeded = await http.seed(p, { delta: 2, epsilon: 2 });
    const a = (seeded.delta as { cluster: string }).cluster;
    const b = (seeded.epsilon as { cluster: string }).cluster;
    // A duration no other test uses, so only this agent's processes carry it.
    const hang = uniqueSleep();
    repo.agentDoes(`echo started > "$2/started"\necho running\nsleep ${hang}`);
    const job = await ok<AgentJob>(call(p, 'POST', `/clusters/${a}/start_fix`), 202);
    await waitForJob(p, job.id, (j) => j.status === 'running');
    // The project's limit is one at a time: another cluster must wait.
    await expectError(call(p, 'POST', `/clusters/${b}/start_fix`), 429, 'rate_limited');

    // An external runner's status credential works for its own job only.
    const own = ctx.runtime.container.tokens.issue(p.id, 'agent-job', 60, Date.now(), job.id);
    const other = ctx.runtime.container.tokens.issue(p.id, 'agent-job', 60, Date.now(), 'another-job');
    await expectError(
      ctx.request({ method: 'PATCH', url: `/projects/${p.id}/jobs/${job.id}`, token: other, payload: {} }),
      403,
      'forbidden',
    );
    const patched = await ok<AgentJob>(
      ctx.request({
        method: 'PATCH',
        url: `/projects/${p.id}/jobs/${job.id}`,
        token: own,
        payload: { log: [{ step: 'external', line: 'hello from outside' }], stats: { logLines: 1 } },
      }),
    );
    expect(patched.status).toBe('running');
    await expectError(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/jobs/${job.id}`, token: own }),
      403,
      'forbidden',
    );

    const cancelled = await ok<AgentJob>(call(p, 'POST', `/jobs/${job.id}/cancel`));
    expect(cancelled.status).toBe('cancelled');
    // The worker notices, kills the sandbox and records how long it ran.
    const settled = await waitForJob(p, job.id, (j) => j.stats.durationMs !== undefined);
    expect(settled.status).toBe('cancelled');
    expect(settled.stats.durationMs as number).toBeLessThan(4_000);
    expect(await waitUntilGone(hang)).toEqual([]);
    const lines = await logOf(p, job.id);
    expect(lines.some((l) => l.line === 'hello from outside')).toBe(true);
    expect(lines.some((l) => l.line.includes('cancelled'))).toBe(true);
    expect((await http.detail(p, a)).status).toBe('new');
    await expectError(
      ctx.request({
        method: 'PATCH',
        url: `/projects/${p.id}/jobs/${job.id}`,
        token: own,
        payload: { status: 'succeeded' },
      }),
      409,
      'conflict',
    );

    // A slot is free again; this one hangs until the wall-clock timeout kills it.
    const timed = await ok<AgentJob>(call(p, 'POST', `/clusters/${b}/start_fix`), 202);
    const timedOut = await waitForJob(p, timed.id, ended);
    expect(timedOut.status).toBe('failed');
    expect(timedOut.error).toMatch(/timed out/);
  });

  it('gives the agent nothing of the server: no tokens, no server environment, no data directory', async () => {
    const p = await projectWithRepository();
    const { cluster } = (await http.seed(p, { zeta: 2 })).zeta as { cluster: string };
    const secretsKey = join(ctx.config.dataDir, 'secrets-key');
    repo.agentDoes(
      [
        'out="$2/found.txt"',
        'env > "$out"',
        'cat /proc/1/environ >> "$out" 2>/dev/null || echo "no /proc/1/environ" >> "$out"',
        `cat ${ctx.config.dataDir}/* >> "$out" 2>/dev/null || echo "no data dir" >> "$out"`,
        `cat ${secretsKey} >> "$out" 2>/dev/null || echo "no secrets key" >> "$out"`,
        `for f in /proc/[0-9]*/environ; do cat "$f" >> "$out" 2>/dev/null; done`,
        'touch /usr/pwned 2>/dev/null && echo "wrote /usr" >> "$out" || echo "read-only /usr" >> "$out"',
        'echo hook > "$2/.git/hooks/pre-commit" 2>/dev/null && echo "wrote hook" >> "$out" || echo "git read-only" >> "$out"',
      ].join('\n'),
    );
    const job = await ok<AgentJob>(call(p, 'POST', `/clusters/${cluster}/start_fix`), 202);
    const done = await waitForJob(p, job.id, ended);
    expect(done.status, done.error).toBe('succeeded');
    const found = git(repo.origin, 'show', `${done.branch}:found.txt`);
    expect(found).toContain('no data dir');
    expect(found).toContain('no secrets key');
    expect(found).toContain('read-only /usr');
    expect(found).toContain('git read-only');
    for (const secret of [TOKEN, 'ghp_server_fallback_token_999', SERVER_SECRET, ctx.adminToken]) {
      expect(found).not.toContain(secret);
    }
    expect(found).not.toMatch(/REDIS_URL|SECRETS_KEY|ADMIN_TOKEN/);
  });
});

describe('refusals', () => {
  it('refuses fixes without a repository, with automation set to plans only, and for unknown clusters', async () => {
    const bare = await ctx.createProject();
    const { cluster } = (await http.seed(bare, { eta: 2 })).eta as { cluster: string };
    await expectError(call(bare, 'POST', `/clusters/${cluster}/start_fix`), 409, 'conflict');

    const p = await projectWithRepository();
    const seeded = (await http.seed(p, { theta: 2 })).theta as { cluster: string };
    await expectError(call(p, 'POST', '/clusters/unknown/start_fix'), 404, 'not_found');
    expect(await ok(call(p, 'GET', `/projects/${p.id}/automation`))).toEqual({ level: 'draft_pr' });
    expect(await ok(call(p, 'PUT', `/projects/${p.id}/automation`, { level: 'plan' }))).toEqual({
      level: 'plan',
    });
    await expectError(
      call(p, 'PUT', `/projects/${p.id}/automation`, { level: 'merge' }),
      422,
      'validation_failed',
    );
    await expectError(call(p, 'POST', `/clusters/${seeded.cluster}/start_fix`), 403, 'forbidden');
    await ok(call(p, 'POST', `/clusters/${seeded.cluster}/plan`), 201);
    await expectError(call(p, 'GET', '/jobs/unknown'), 404, 'not_found');
    await expectError(call(p, 'GET', '/jobs?status=done'), 422, 'validation_failed');
    // Another project's key sees none of it.
    const other = await ctx.createProject();
    await expectError(call(other, 'GET', `/projects/${p.id}/jobs`), 403, 'forbidden');
    const list = await ok<{ items: Cluster[] }>(call(other, 'GET', '/jobs'));
    expect(list.items).toEqual([]);
  });
});

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
