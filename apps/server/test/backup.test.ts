import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentJob, ClusterDetail } from '@fixloop/contracts';
import { checksumOf, keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingRedis, socketPathFor } from '../src/infra/managed-redis.js';
import { asSession, type SignedIn, signUp } from './support/accounts.js';
import { type ClusterApi, clusterApi, ok, type Project, row } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import { type StandIn, startStandIn } from './support/stand-ins.js';

/**
 * Backup and restore through the real CLI process: a project populated through the API (reports of
 * several sources, held ones, clusters, a plan, an agent job and its log, keys, a member, secrets)
 * is exported, deleted, imported again and exported again.
 */
const CLI = resolve(import.meta.dirname, '../src/bin/cli.ts');
const FREE = 9;
const control: OpenAiApiControl = openAiControl();
const dirs: string[] = [];
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;
let owner: SignedIn;
let member: SignedIn;

beforeAll(async () => {
  api = await startStandIn(openAiApi(control));
  ctx = await createTestContext({
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    CLUSTERING_SIM_THRESHOLD: '0.8',
    CLUSTERING_DEBOUNCE_MS: '0',
    ALLOW_SIGNUP: 'true',
    // Billing on, so reports past the monthly allowance are held.
    STRIPE_SECRET_KEY: 'sk_test_backup_0123456789',
    STRIPE_WEBHOOK_SECRET: 'whsec_backup_0123456789',
    STRIPE_API_URL: api.url,
    FREE_FEEDBACK_PER_MONTH: String(FREE),
    ROLE: 'all',
  });
  http = clusterApi(ctx);
  await signUp(ctx, { name: 'Operator' });
  owner = await signUp(ctx, { name: 'Owner' });
  member = await signUp(ctx, { name: 'Member' });
});

afterAll(async () => {
  await ctx?.close();
  await api?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The real CLI in a clean environment (nothing inherited that configures Fixloop). */
function cli(args: string[], env: Record<string, string>, input?: Buffer): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? Buffer.alloc(0));
  return new Promise((done) =>
    child.once('close', (status) => done({ status, stdout: Buffer.concat(out), stderr: err })),
  );
}

const redisEnv = () => ({ REDIS_URL: ctx.config.redisUrl as string });

async function exportOf(projectId: string, env: Record<string, string> = redisEnv()): Promise<Buffer> {
  const run = await cli(['export', '--project', projectId], env);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain(`exported project "${projectId}"`);
  return run.stdout;
}

/** The dump's lines, the header's export time left out. */
const comparable = (dump: Buffer) =>
  dump
    .toString()
    .split('\n')
    .map((l, i) => (i === 0 ? l.replace(/"exportedAt":"[^"]+"/, '') : l));

/** A dump with key lines added (the header and trailer made to match, so only the key is wrong). */
function withExtraLine(dump: Buffer, line: object): Buffer {
  const rows = dump.toString().trimEnd().split('\n');
  const body = [...rows.slice(1, -1), JSON.stringify(line)];
  const header = { ...JSON.parse(rows[0] as string), keyCount: body.length };
  const trailer = { ...JSON.parse(rows.at(-1) as string), keyCount: body.length, sha256: checksumOf(body) };
  return Buffer.from(`${[JSON.stringify(header), ...body, JSON.stringify(trailer)].join('\n')}\n`);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const redis = ctx.runtime.container.redis;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** A project with a bit of everything, made through the API (the agent job through its store). */
async function populated(name: string): Promise<Project & { name: string; clusters: string[] }> {
  const created = await asSession(ctx, owner.token, { method: 'POST', url: '/projects', payload: { name } });
  const body = created.json<{ project: { id: string }; apiKey: string }>();
  const p = { id: body.project.id, apiKey: body.apiKey, name };
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    ctx.request({ method, url, token: p.apiKey, ...(payload === undefined ? {} : { payload }) });
  await ok(call('POST', `/projects/${p.id}/api-keys`, { name: 'ci', scopes: ['ingest'] }), 201);
  await ok(
    asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${p.id}/members`,
      payload: { email: member.email, role: 'member' },
    }),
  );
  expect(
    (await call('PUT', `/projects/${p.id}/secrets`, { githubWebhookSecret: 'whsec_gh_1' })).statusCode,
  ).toBe(204);
  await ok(call('PUT', '/config/reddit/subreddits', { subreddits: ['fixloop_backup'] }));
  await ok(call('PUT', `/projects/${p.id}/automation`, { level: 'plan' }));

  const seeded = await http.seed(p, { alpha: 3, beta: 3 });
  await http.importRows(p, [
    row('alpha', { source: 'github', externalId: `acme/shop#${randomUUID().slice(0, 6)}` }),
    row('beta', { source: 'reddit', externalId: randomUUID().slice(0, 8), author: 'ann' }),
    row('gamma', { source: 'sentry', externalId: `event:${randomUUID()}` }),
  ]);
  // Past the monthly allowance: held, out of clustering.
  const late = [];
  for (let i = 0; i < 2; i++)
    late.push(await ok<{ held?: boolean }>(call('POST', '/feedback', row('delta')), 201));
  expect(late.map((r) => r.held)).toEqual([true, true]);
  await http.settle(p);

  const clusters = Object.values(seeded).map((s) => s.cluster);
  const [first] = clusters as [string];
  await ok(http.call(p, 'PATCH', `/clusters/${first}`, { title: 'Checkout breaks at payment' }));
  const plan = await ok<{ id: string }>(call('POST', `/clusters/${first}/plan`), 201);
  // After the plan, so planning never reads a repository over the network.
  await ok(
    call('PUT', `/projects/${p.id}/repository`, { owner: 'acme', name: 'shop', defaultBranch: 'main' }),
  );
  const job: AgentJob = {
    id: randomUUID(),
    projectId: p.id,
    clusterId: first,
    planId: plan.id,
    runner: 'local',
    status: 'failed',
    stats: {},
    createdAt: new Date().toISOString(),
  };
  await ctx.runtime.container.agentJobs.create(p.id, job, {
    maxConcurrent: 5,
    maxPerMonth: 100,
    month: '2026-01',
  });
  await ctx.runtime.container.agentDeps.logs.append(p.id, job.id, [
    { step: 'clone', stream: 'info', line: 'cloning acme/shop' },
    { step: 'agent', stream: 'stderr', line: 'exit 3 ✗' },
  ]);
  return { ...p, clusters };
}

/** What the API answers about the project: reports (held too), clusters and their detail, plans, jobs, settings. */
async function apiView(p: Project & { clusters: string[] }) {
  const get = <T>(url: string) => ok<T>(ctx.request({ method: 'GET', url, token: p.apiKey }));
  const clusters = await get<{ items: Array<{ id: string }> }>('/clusters?limit=200');
  const details = await Promise.all(clusters.items.map((c) => get<ClusterDetail>(`/clusters/${c.id}`)));
  const jobs = await get<{ items: Array<{ id: string }> }>('/jobs');
  return {
    project: await get(`/projects/${p.id}`),
    feedback: await get('/feedback?limit=200'),
    held: await get('/feedback?held=true&limit=200'),
    clusters,
    details,
    history: await Promise.all(p.clusters.map((id) => get(`/clusters/${id}/history`))),
    plan: await get(`/clusters/${p.clusters[0]}/plan`),
    clusterJobs: await get('/cluster-jobs'),
    jobs,
    logs: await Promise.all(jobs.items.map((j) => get(`/jobs/${j.id}/logs?limit=100`))),
    subreddits: await get('/config/reddit/subreddits'),
    automation: await get(`/projects/${p.id}/automation`),
    repository: await get(`/projects/${p.id}/repository`),
    members: await get(`/projects/${p.id}/members`),
    usage: await get(`/projects/${p.id}/usage`),
    // lastUsedAt moves with every request; the keys themselves must not.
    apiKeys: (await get<{ items: Array<Record<string, unknown>> }>(`/projects/${p.id}/api-keys`)).items.map(
      ({ lastUsedAt: _, ...k }) => k,
    ),
  };
}

describe('npm run cli -- export / import', () => {
  let p: Awaited<ReturnType<typeof populated>>;
  let dump: Buffer;
  let view: Awaited<ReturnType<typeof apiView>>;

  beforeAll(async () => {
    p = await populated('Backed Up');
    view = await apiView(p);
    expect(view.details.length).toBeGreaterThanOrEqual(2);
    expect((view.held as { items: unknown[] }).items).toHaveLength(2);
    expect((view.logs[0] as { items: unknown[] }).items).toHaveLength(2);
    dump = await exportOf(p.id);
  }, 120_000);

  it('restores a deleted project losslessly: the same dump, the same answers, its keys and members back', async () => {
    const lines = dump.toString().trimEnd().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ projectId: p.id, keyCount: lines.length - 2 });
    for (const key of [
      keys.apiKeys(p.id),
      keys.feedbackVectors(p.id),
      keys.feedbackHeld(p.id),
      keys.secrets(p.id),
    ])
      expect(dump.toString()).toContain(`"key":"${key}"`);
    expect(dump.toString()).toContain(`"key":"${keys.userProjects(member.userId)}"`);
    expect(dump.toString()).toContain(
      `"key":"${keys.agentJobLog(p.id, (view.jobs.items[0] as { id: string }).id)}","type":"stream"`,
    );
    expect(dump.toString()).not.toContain('whsec_gh_1');

    const deleted = await asSession(ctx, owner.token, {
      method: 'DELETE',
      url: `/projects/${p.id}`,
      payload: { confirm: p.name },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: p.apiKey })).statusCode).toBe(401);

    // A truncated dump writes nothing.
    const cut = dump.subarray(0, Math.floor(dump.length * 0.7));
    const truncated = await cli(['import', '--project', p.id], redisEnv(), cut);
    expect(truncated.status).toBe(1);
    expect(truncated.stderr).toContain('truncated');
    expect(await keysUnder(keys.project(p.id))).toEqual([]);
    expect(await keysUnder(`import:{${p.id}}`)).toEqual([]);

    const restored = await cli(['import', '--project', p.id], redisEnv(), dump);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout.length).toBe(0);
    expect(restored.stderr).toContain(`imported project "${p.id}": ${lines.length - 2} keys`);
    // Exported again before any request touches the keys' lastUsedAt.
    expect(comparable(await exportOf(p.id))).toEqual(comparable(dump));
    expect(await apiView(p)).toEqual(view);
    const me = await asSession(ctx, member.token, { method: 'GET', url: '/auth/me' });
    expect(me.json<{ projects: Array<{ id: string }> }>().projects.map((x) => x.id)).toContain(p.id);
  }, 120_000);

  it('refuses a project that has data unless --replace, which puts the dump back in place', async () => {
    await ok(http.call(p, 'PATCH', `/clusters/${p.clusters[1]}`, { title: 'Changed after the backup' }));
    await ok(http.call(p, 'POST', '/feedback', row('epsilon')), 201);
    await http.settle(p);
    const refused = await cli(['import', '--project', p.id], redisEnv(), dump);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/already has data.*--replace/);

    const replaced = await cli(['import', '--project', p.id, '--replace'], redisEnv(), dump);
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(replaced.stderr).toMatch(/keys of its former data replaced/);
    expect(comparable(await exportOf(p.id))).toEqual(comparable(dump));
  }, 120_000);

  it("refuses a dump of another project, and a dump with a key outside the project's footprint", async () => {
    const other = await ctx.createProject('Bystander');
    await ok(http.call(other, 'POST', '/feedback', row('zeta')), 201);
    const before = await exportOf(other.id);

    const wrong = await cli(['import', '--project', other.id, '--replace'], redisEnv(), dump);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`the dump is of project "${p.id}", not "${other.id}"`);

    const evil = withExtraLine(dump, {
      key: keys.feedback(other.id, 'planted'),
      type: 'hash',
      value: [['id', 'planted']],
    });
    const foreign = await cli(['import', '--project', p.id, '--replace'], redisEnv(), evil);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain(`lies outside project "${p.id}"`);
    const adminSet = withExtraLine(dump, { key: 'apikey:admins', type: 'set', value: ['x'] });
    expect((await cli(['import', '--project', p.id, '--replace'], redisEnv(), adminSet)).status).toBe(1);

    expect(comparable(await exportOf(other.id))).toEqual(comparable(before));
    expect(comparable(await exportOf(p.id))).toEqual(comparable(dump));
  }, 120_000);

  it('answers usage errors with status 2 and the usage on stderr', async () => {
    for (const args of [
      ['export'],
      ['export', '--project', 'Not An Id'],
      ['import', '--project', 'x', '--force'],
    ]) {
      const run = await cli(args, redisEnv());
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage:');
      expect(run.stdout.length).toBe(0);
    }
    const missing = await cli(['export', '--project', 'no-such-project'], redisEnv());
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('project "no-such-project" not found');
  }, 120_000);

  it("without REDIS_URL uses DATA_DIR's managed Redis, started for the command and stopped after", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fixloop-backup-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    const nothing = await cli(['export', '--project', p.id], env);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain('holds no managed Redis');

    const imported = await cli(['import', '--project', p.id], env, dump);
    expect(imported.status, imported.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    expect(existsSync(join(dataDir, 'fixloop.pid'))).toBe(false);
    expect(await pingRedis({ path: socketPathFor(join(dataDir, 'redis')) })).toBe('down');
    // Started again from its AOF for the export: the same data.
    expect(comparable(await exportOf(p.id, env))).toEqual(comparable(dump));
    expect(await pingRedis({ path: socketPathFor(join(dataDir, 'redis')) })).toBe('down');
  }, 120_000);
});
