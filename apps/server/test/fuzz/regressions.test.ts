import type { AgentJob, ClusterDetail, IngestResult } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, ok } from '../support/cluster-api.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { githubIssue, githubIssuesApi, type StandIn, startStandIn } from '../support/stand-ins.js';
import { sendRaw } from './raw-http.js';

/** What the route fuzz found, each kept as a plain example. */

let github: StandIn;
let ctx: TestContext;

beforeAll(async () => {
  github = await startStandIn(
    githubIssuesApi(new Map([['acme/shop', [githubIssue('acme/shop', 1, '2026-01-01T00:00:00Z')]]]), 50),
  );
  ctx = await createTestContext({
    GITHUB_API_URL: github.url,
    // start_fix gets as far as admission: a runner is configured, the repository is a local path.
    CODING_AGENT_COMMAND: 'true {task_file}',
    ALLOW_LOCAL_REPOSITORIES: 'true',
    AGENT_MAX_RUNS_PER_MONTH: '1',
  });
});
afterAll(async () => {
  await ctx?.close();
  await github?.close();
});

describe('a GitHub token that cannot travel in an HTTP header', () => {
  it('is refused (422) instead of stored, where every sync then answered 502 after 14 s of retries', async () => {
    const p = await ctx.createProject();
    for (const token of ['ghp_a\nX-Injected: 1', 'ghp a', 'ghp_😀']) {
      await expectError(
        ctx.request({
          method: 'PUT',
          url: `/projects/${p.id}/secrets`,
          token: p.apiKey,
          payload: { githubToken: token },
        }),
        422,
        'validation_failed',
      );
      await expectError(
        ctx.request({
          method: 'POST',
          url: `/projects/${p.id}/repository/check`,
          token: p.apiKey,
          payload: { owner: 'acme', name: 'shop', token },
        }),
        422,
        'validation_failed',
      );
    }
    const project = await ok<{ secrets: { githubToken: boolean } }>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}`, token: p.apiKey }),
    );
    expect(project.secrets.githubToken).toBe(false);
    const synced = await ctx.request({
      method: 'POST',
      url: '/ingest/github/sync/acme/shop',
      token: p.apiKey,
    });
    expect(synced.statusCode, synced.body).toBe(200);
  });
});

describe('PATCH /jobs/{id} refused with 409', () => {
  it("writes none of the patch's log lines", async () => {
    const p = await ctx.createProject();
    const job: AgentJob = {
      id: `00000000-0000-4000-8000-${ctx.tag}0001`,
      projectId: p.id,
      clusterId: 'no-such-cluster',
      planId: 'no-such-plan',
      runner: 'local',
      status: 'queued',
      stats: {},
      createdAt: new Date().toISOString(),
    };
    await ctx.runtime.container.agentJobs.create(p.id, job, {
      maxConcurrent: 5,
      maxPerMonth: 100,
      month: '2026-01',
    });
    const url = `/projects/${p.id}/jobs/${job.id}`;
    const patch = (payload: object) => ctx.request({ method: 'PATCH', url, token: p.apiKey, payload });
    const log = [{ step: 'runner', line: 'a line of a refused patch' }];

    await ok(patch({ status: 'failed', error: 'gave up' }));
    // Ended: neither a log-only patch nor a move may write anything.
    await expectError(patch({ log }), 409, 'conflict');
    await expectError(patch({ status: 'running', log }), 409, 'conflict');
    await expectError(patch({ status: 'succeeded', log }), 409, 'conflict');
    const lines = await ok<{ items: unknown[] }>(
      ctx.request({ method: 'GET', url: `${url}/logs`, token: p.apiKey }),
    );
    expect(lines.items).toEqual([]);
  });
});

describe('POST /clusters/{id}/start_fix refused', () => {
  it('saves no plan for the start it refused and leaves the cluster as it was', async () => {
    const p = await ctx.createProject();
    const c = ctx.runtime.container;
    const item = await ok<IngestResult>(
      ctx.request({ method: 'POST', url: '/feedback', token: p.apiKey, payload: { title: 'Crash' } }),
      201,
    );
    await c.clusters.moveItems(
      p.id,
      [{ itemId: item.id, to: 'c-refused', vector: new Float32Array([1, 0]) }],
      {
        now: new Date(),
        newClusters: { 'c-refused': { title: 'Crash' } },
        dequeue: true,
      },
    );
    const repository = { owner: 'acme', name: 'shop', cloneUrl: '/nonexistent/fixloop-fuzz.git' };
    await ok(
      ctx.request({
        method: 'PUT',
        url: `/projects/${p.id}/repository`,
        token: p.apiKey,
        payload: repository,
      }),
    );
    // This month's one run is spent: admission refuses the start.
    await c.redis.set(keys.agentRunsUsage(p.id, new Date().toISOString().slice(0, 7)), '1');
    const cluster = `/projects/${p.id}/clusters/c-refused`;
    await expectError(
      ctx.request({ method: 'POST', url: `${cluster}/start_fix`, token: p.apiKey }),
      429,
      'rate_limited',
    );
    await expectError(
      ctx.request({ method: 'GET', url: `${cluster}/plan`, token: p.apiKey }),
      404,
      'not_found',
    );
    const detail = await ok<ClusterDetail>(ctx.request({ method: 'GET', url: cluster, token: p.apiKey }));
    expect(detail.status).toBe('new');
    const history = await ok<{ items: unknown[] }>(
      ctx.request({ method: 'GET', url: `${cluster}/history`, token: p.apiKey }),
    );
    expect(history.items).toEqual([]);
  });
});

describe('requests the HTTP parser refuses', () => {
  it('are answered with the error envelope, not the framework default', async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const address = ctx.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    for (const raw of [
      'GET /feedback/\u001bx HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nHost: a\r\nX-Huge: ${'h'.repeat(20_000)}\r\n\r\n`,
      'GET /healthz HTTP/9.9\r\nHost: a\r\n\r\n',
    ]) {
      const result = await sendRaw(port, Buffer.from(raw, 'latin1'));
      if (result === 'timeout') throw new Error(`no answer to ${JSON.stringify(raw.slice(0, 40))}`);
      const [res] = result.responses;
      expect(res?.status, raw.slice(0, 40)).toBe(400);
      expect(res?.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res?.body ?? '')).toEqual({
        error: { code: 'bad_request', message: expect.any(String) },
      });
    }
  });
});
