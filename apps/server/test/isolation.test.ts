import type { AgentJob } from '@fixloop/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, type SignedIn, signUp } from './support/accounts.js';
import { type ClusterApi, clusterApi, ok, type Project } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import { type StandIn, startStandIn } from './support/stand-ins.js';

/**
 * Tenant isolation, generated from the served OpenAPI document: every operation that needs a
 * credential is called with project B's key and with B's signed-in user against project A's
 * resources (A's project id in the path, A's ids for the other parameters). Each must answer 403
 * or 404 (webhooks: 401) and never show A's data. Root data routes without ids act on B's own
 * project: they must not show A's data either. An operation the suite cannot call (an unknown
 * parameter, a body it has no sample for, a global route it does not know) fails the suite.
 */

interface Operation {
  method: string;
  path: string;
  op: {
    security?: unknown[];
    parameters?: Array<{ in: string; name: string; required?: boolean }>;
    requestBody?: { required?: boolean };
  };
}

const control: OpenAiApiControl = openAiControl();
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;
let aUser: SignedIn;
let bUser: SignedIn;
let a: Project & { name: string };
let b: Project;
const A: Record<string, string> = {};

/** Routes whose answer to a stranger is 401: they authenticate by signature or a key of the project. */
const WEBHOOKS = [/\/ingest\/sentry$/, /\/ingest\/github\/webhook$/];

/** Routes that act on no project: what each must (not) show B. */
// `/metrics` holds no project's data (no project labels); B's callers are refused it (see metrics.test.ts).
const GLOBAL_ROUTES = new Set(['GET /projects', 'POST /projects', 'GET /auth/me', 'GET /metrics']);

/** Sample bodies, by method and path without the `/projects/{projectId}` prefix. */
function sampleBody(key: string): unknown {
  const samples: Record<string, unknown> = {
    'POST /projects': { name: 'Beta probe project' },
    'POST /feedback': { title: 'beta probe report' },
    'PUT /feedback/{id}': { title: 'beta probe edit' },
    'POST /feedback/import': [{ title: 'beta probe import' }],
    'POST /ingest/reddit': {
      externalId: 'probe1',
      title: 'beta probe',
      body: '',
      url: 'https://www.reddit.com/r/x/comments/probe1/',
    },
    'POST /ingest/sentry': { action: 'created', data: {} },
    'POST /ingest/github/webhook': { action: 'opened' },
    'PUT /config/reddit/subreddits': { subreddits: [] },
    'PATCH /clusters/{id}': { title: 'beta probe title' },
    'POST /clusters/{id}/merge': { clusterIds: [A.cluster2] },
    'POST /clusters/{id}/split': { feedbackIds: [A.report] },
    'POST /clusters/{id}/move': { feedbackIds: [A.report] },
    'PUT /clusters/{id}/plan': {
      title: 'beta probe plan',
      summary: '',
      hypotheses: [],
      candidateFiles: [],
      steps: [],
      validation: [],
      risk: 'low',
    },
    'POST /clusters/{id}/summarize': { replaceHumanEdits: false },
    'PATCH /jobs/{id}': {},
    'PATCH /projects/{projectId}': { name: 'beta probe rename' },
    'DELETE /projects/{projectId}': { confirm: a.name },
    'PUT /projects/{projectId}/repository': { owner: 'evil', name: 'repo' },
    'POST /projects/{projectId}/repository/check': { owner: 'evil', name: 'repo' },
    'PUT /projects/{projectId}/secrets': { githubToken: 'evil' },
    'POST /projects/{projectId}/api-keys': { name: 'evil' },
    'POST /projects/{projectId}/members': { email: bUser.email, role: 'owner' },
    'PUT /projects/{projectId}/automation': { level: 'plan' },
  };
  return samples[key];
}

/** A's id for a path parameter, or undefined when the suite does not know the parameter. */
function paramValue(name: string, path: string): string | undefined {
  if (name === 'projectId') return a.id;
  if (name === 'keyId') return A.keyId;
  if (name === 'userId') return aUser.userId;
  if (name === 'owner') return 'acme';
  if (name === 'repo') return 'shop';
  if (name !== 'id') return undefined;
  if (/\/feedback\/\{id\}/.test(path)) return A.report;
  if (/\/clusters\/\{id\}/.test(path)) return A.cluster;
  if (/\/cluster-jobs\/\{id\}/.test(path)) return A.clusterJob;
  if (/\/jobs\/\{id\}/.test(path)) return A.job;
  return undefined;
}

beforeAll(async () => {
  api = await startStandIn((req, base) =>
    req.path.startsWith('/v1/')
      ? openAiApi(control)(req, base)
      : { status: 404, body: { message: 'Not Found' } },
  );
  ctx = await createTestContext({
    ALLOW_SIGNUP: 'true',
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    GITHUB_API_URL: api.url,
    CLUSTERING_SIM_THRESHOLD: '0.8',
    CLUSTERING_DEBOUNCE_MS: '0',
    ROLE: 'all',
  });
  http = clusterApi(ctx);
  await signUp(ctx, { name: 'Operator' }); // the first account is instance admin: not part of this
  aUser = await signUp(ctx, { name: 'Alice Zanzibar' });
  bUser = await signUp(ctx, { name: 'Bob Probe' });

  const name = `Zanzibar Secret ${ctx.tag}`;
  const createdA = await ok<{ project: { id: string }; apiKey: string }>(
    asSession(ctx, aUser.token, { method: 'POST', url: '/projects', payload: { name } }),
    201,
  );
  a = { id: createdA.project.id, apiKey: createdA.apiKey, name };
  const createdB = await ok<{ project: { id: string }; apiKey: string }>(
    asSession(ctx, bUser.token, { method: 'POST', url: '/projects', payload: { name: 'Beta Probe' } }),
    201,
  );
  b = { id: createdB.project.id, apiKey: createdB.apiKey };

  // A's resources: reports in two clusters, a clustering run, a plan, an agent job, a key, a member.
  const reports = await http.importRows(a, [
    ...[1, 2, 3].map((i) => ({ title: `alpha Zanzibar checkout crash ${i}`, body: 'Zanzibar secret body' })),
    ...[1, 2].map((i) => ({ title: `gamma Zanzibar login loop ${i}`, body: 'Zanzibar secret body' })),
  ]);
  await http.settle(a);
  A.report = reports[0] as string;
  A.cluster = (await http.clusterIdOf(a, reports[0] as string)) ?? '';
  A.cluster2 = (await http.clusterIdOf(a, reports[3] as string)) ?? '';
  expect(A.cluster).not.toBe('');
  expect(A.cluster2).not.toBe(A.cluster);
  const jobs = await ok<{ items: Array<{ id: string }> }>(http.call(a, 'GET', '/cluster-jobs'));
  A.clusterJob = jobs.items[0]?.id ?? '';
  const plan = await ok<{ id: string }>(http.call(a, 'POST', `/clusters/${A.cluster}/plan`), 201);
  A.plan = plan.id;
  const job: AgentJob = {
    id: `00000000-0000-4000-8000-${ctx.tag}0000`,
    projectId: a.id,
    clusterId: A.cluster,
    planId: plan.id,
    runner: 'local',
    status: 'queued',
    stats: {},
    createdAt: new Date().toISOString(),
  };
  await ctx.runtime.container.agentJobs.create(a.id, job, {
    maxConcurrent: 5,
    maxPerMonth: 100,
    month: '2026-01',
  });
  A.job = job.id;
  const keysOfA = await ok<{ items: Array<{ id: string }> }>(
    ctx.request({ method: 'GET', url: `/projects/${a.id}/api-keys`, token: a.apiKey }),
  );
  A.keyId = keysOfA.items[0]?.id ?? '';
  A.userId = aUser.userId;
  A.email = aUser.email;
  for (const [k, v] of Object.entries(A)) expect(v, k).not.toBe('');
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await api?.close();
});

/** Everything of A's that B must never see (the values B itself sent are left out per request). */
function markers(): string[] {
  return [a.id, a.name, 'Zanzibar', ...Object.values(A)];
}

async function operations(): Promise<Operation[]> {
  const doc = await ok<{ paths: Record<string, Record<string, Operation['op']>> }>(
    ctx.request({ method: 'GET', url: '/openapi.json', token: null }),
  );
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

type Caller = { label: string; send: (opts: InjectOptions) => Promise<LightMyRequestResponse> };

function callers(): Caller[] {
  return [
    { label: "B's key", send: (opts) => ctx.request({ ...opts, token: b.apiKey }) },
    { label: "B's user", send: (opts) => asSession(ctx, bUser.token, opts) },
  ];
}

describe('isolation of every route in /openapi.json', () => {
  it('keeps project A away from project B: 403/404 on A, and never a byte of A', async () => {
    const ops = await operations();
    const problems: string[] = [];
    const cannot: string[] = [];
    let exercised = 0;
    for (const { method, path, op } of ops) {
      const name = `${method} ${path}`;
      if (Array.isArray(op.security) && op.security.length === 0) continue; // public
      const scoped = path.startsWith('/projects/{projectId}');
      const local = path.replace(/^\/projects\/\{projectId\}(?=\/)/, '');
      const isGlobal = GLOBAL_ROUTES.has(name);
      if (
        !scoped &&
        !isGlobal &&
        !ops.some((o) => o.method === method && o.path === `/projects/{projectId}${path}`)
      ) {
        cannot.push(`${name}: a global route the suite does not know (add it to GLOBAL_ROUTES)`);
        continue;
      }
      const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      let url = path;
      let unknown = false;
      for (const p of params) {
        const value = paramValue(p, path);
        if (value === undefined) {
          cannot.push(`${name}: no value of A's for the parameter {${p}}`);
          unknown = true;
        } else url = url.replace(`{${p}}`, encodeURIComponent(value));
      }
      if (unknown) continue;
      const requiredQuery = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
      if (requiredQuery.length > 0) {
        cannot.push(`${name}: required query parameters ${requiredQuery.map((p) => p.name).join(', ')}`);
        continue;
      }
      const body = sampleBody(`${method} ${local}`) ?? sampleBody(name);
      if (body === undefined && op.requestBody?.required && !scoped) {
        cannot.push(`${name}: no sample body (add one to sampleBody)`);
        continue;
      }
      // Against A: A's project in the path, or A's ids at the root. Else the route acts on B's own project.
      const againstA = scoped || params.some((p) => p !== 'owner' && p !== 'repo');
      const webhook = WEBHOOKS.some((w) => w.test(path));
      exercised++;
      for (const caller of callers()) {
        const opts: InjectOptions = {
          method: method as InjectOptions['method'],
          url,
          ...(body === undefined ? {} : { payload: body as object }),
        };
        const res = await caller.send(opts);
        const sent = `${url} ${body === undefined ? '' : JSON.stringify(body)}`;
        const leaked = markers().filter((m) => !sent.includes(m) && res.body.includes(m));
        const where = `${caller.label} ${name} → ${res.statusCode}`;
        if (leaked.length > 0) problems.push(`${where}: shows A's ${leaked.join(', ')}`);
        if (againstA) {
          const allowed = webhook ? [401, 403, 404] : [403, 404];
          if (!allowed.includes(res.statusCode))
            problems.push(`${where}: expected ${allowed.join('/')}: ${res.body.slice(0, 200)}`);
        } else if (res.statusCode >= 500) {
          problems.push(`${where}: ${res.body.slice(0, 200)}`);
        }
      }
    }
    expect(cannot, 'operations the suite cannot exercise').toEqual([]);
    expect(problems).toEqual([]);
    expect(exercised).toBeGreaterThan(60);
  }, 120_000);

  it("left A's data as it was", async () => {
    const project = await ok<{ name: string }>(
      ctx.request({ method: 'GET', url: `/projects/${a.id}`, token: a.apiKey }),
    );
    expect(project.name).toBe(a.name);
    const feedback = await ok<{ items: Array<{ id: string; title: string }> }>(
      http.call(a, 'GET', '/feedback?limit=50'),
    );
    expect(feedback.items.map((i) => i.title).sort()).toEqual(
      [1, 2, 3]
        .map((i) => `alpha Zanzibar checkout crash ${i}`)
        .concat([1, 2].map((i) => `gamma Zanzibar login loop ${i}`))
        .sort(),
    );
    const keysOfA = await ok<{ items: unknown[] }>(
      ctx.request({ method: 'GET', url: `/projects/${a.id}/api-keys`, token: a.apiKey }),
    );
    expect(keysOfA.items).toHaveLength(1);
    const members = await ok<{ items: Array<{ userId: string; role: string }> }>(
      ctx.request({ method: 'GET', url: `/projects/${a.id}/members`, token: a.apiKey }),
    );
    expect(members.items).toEqual([expect.objectContaining({ userId: aUser.userId, role: 'owner' })]);
    const repo = await ctx.request({ method: 'GET', url: `/projects/${a.id}/repository`, token: a.apiKey });
    expect(repo.statusCode).toBe(404);
    const job = await ok<{ status: string }>(http.call(a, 'GET', `/jobs/${A.job}`));
    expect(job.status).toBe('queued');
  });
});
