import { randomUUID } from 'node:crypto';
import type { ClusterJob } from '@fixloop/contracts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../src/logger.js';
import { type ClusterApi, clusterApi, ok, type Page, row, sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { grew, type Samples, samplesOf } from './support/metrics.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from './support/openai-api.js';
import { type StandIn, startStandIn } from './support/stand-ins.js';

/**
 * Job and embedding metrics, and request ids in worker logs, with real parts: the BullMQ clustering
 * worker (role `all`), embeddings from a local OpenAI stand-in, and the process's own pino logger
 * writing into an array instead of stdout.
 */
const METRICS_TOKEN = 'metrics-token-for-the-jobs-test';
const control: OpenAiApiControl = openAiControl();
const lines: Array<Record<string, unknown>> = [];
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;

beforeAll(async () => {
  api = await startStandIn(openAiApi(control));
  const log = pino(loggerOptions('debug'), { write: (line: string) => lines.push(JSON.parse(line)) });
  ctx = await createTestContext(
    {
      EMBEDDINGS_PROVIDER: 'openai',
      EMBEDDINGS_MODEL: 'test-embed',
      OPENAI_BASE_URL: `${api.url}/v1`,
      CLUSTERING_SIM_THRESHOLD: '0.8',
      CLUSTERING_DEBOUNCE_MS: '0',
      METRICS_TOKEN,
      ROLE: 'all',
    },
    { log },
  );
  http = clusterApi(ctx);
});
afterAll(async () => {
  await ctx?.close();
  await api?.close();
});

const scrape = async () =>
  samplesOf(await ctx.request({ method: 'GET', url: '/metrics', token: METRICS_TOKEN }));
const embeddingRequests = () => api.requests.filter((r) => r.path === '/v1/embeddings').length;

const CLUSTERING = 'job="clustering.run"';
const jobsTotal = (outcome: string) => `fixloop_jobs_total{${CLUSTERING},outcome="${outcome}"}`;
const OUTCOMES = ['succeeded', 'failed', 'cancelled', 'skipped', 'busy', 'error'];

/** Scrapes until `ready` holds: the worker counts a job just after its record says it ended. */
async function scrapeUntil(ready: (s: Samples) => boolean): Promise<Samples> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await scrape();
    if (ready(s)) return s;
    if (Date.now() > deadline) throw new Error('the metrics never got there');
    await sleep(20);
  }
}

async function succeededJobs(p: { id: string; apiKey: string }): Promise<number> {
  const page = await ok<Page<ClusterJob>>(http.call(p, 'GET', '/cluster-jobs?limit=100'));
  return page.items.filter((j) => j.status === 'succeeded').length;
}

describe('request ids in logs', () => {
  it('a worker log line of a job a request queued carries that request id, and its job id', async () => {
    const p = await ctx.createProject();
    const requestId = `req-${randomUUID().slice(0, 8)}`;
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback/import',
      token: p.apiKey,
      headers: { 'x-request-id': requestId },
      payload: [row('alpha'), row('alpha'), row('alpha')],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe(requestId);
    await http.settle(p);

    // The request's own lines (the verb logs through the request's logger).
    const ingested = lines.filter((l) => l.msg === 'feedback ingested' && l.projectId === p.id);
    expect(ingested).toHaveLength(3);
    for (const l of ingested) expect(l.reqId).toBe(requestId);

    // The worker's line, from inside the domain's run, through the job's child logger.
    const done = lines.filter((l) => l.msg === 'clustering job succeeded' && l.projectId === p.id);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      reqId: requestId,
      job: 'clustering.run',
      jobId: expect.stringMatching(/^clustering-/),
      clusterJobId: expect.any(String),
      service: 'fixloop',
    });
  });
});

describe('job and embedding metrics', () => {
  it('a clustering run moves the duration histogram and the outcome counter; embeddings are timed and cached', async () => {
    const p = await ctx.createProject();
    const before = await scrape();
    const embeddedBefore = control.embedded.length;
    const requestsBefore = embeddingRequests();

    await http.importRows(p, [row('beta'), row('beta'), row('beta')]);
    await http.settle(p);
    const runs = await succeededJobs(p);
    expect(runs).toBeGreaterThanOrEqual(1);
    const after = await scrapeUntil((s) => grew(before, s, jobsTotal('succeeded')) === runs);

    // Every run that ended was timed once (a busy bounce never ran, so it is only counted).
    const timed = OUTCOMES.filter((o) => o !== 'busy').reduce(
      (n, o) => n + grew(before, after, jobsTotal(o)),
      0,
    );
    expect(grew(before, after, `fixloop_job_duration_seconds_count{${CLUSTERING}}`)).toBe(timed);
    expect(grew(before, after, `fixloop_job_duration_seconds_bucket{le="+Inf",${CLUSTERING}}`)).toBe(timed);
    expect(grew(before, after, jobsTotal('failed')) + grew(before, after, jobsTotal('error'))).toBe(0);

    // Three new texts: three misses, embedded by the provider in the calls the stand-in saw.
    const provider = 'provider="openai"';
    expect(control.embedded.length - embeddedBefore).toBe(3);
    expect(grew(before, after, `fixloop_embedding_cache_misses_total{${provider}}`)).toBe(3);
    expect(grew(before, after, `fixloop_embedding_cache_hits_total{${provider}}`)).toBe(0);
    expect(grew(before, after, `fixloop_embedded_texts_total{${provider}}`)).toBe(3);
    expect(grew(before, after, `fixloop_embedding_duration_seconds_count{${provider}}`)).toBe(
      embeddingRequests() - requestsBefore,
    );

    // A recluster vectorizes the same texts again: all from the cache, nothing sent.
    const job = await ok<ClusterJob>(http.call(p, 'POST', '/clusters/recluster'), 202);
    expect(await http.waitForJob(p, job.id)).toMatchObject({ status: 'succeeded' });
    const final = await scrapeUntil((s) => grew(after, s, jobsTotal('succeeded')) === 1);
    expect(grew(after, final, `fixloop_embedding_cache_hits_total{${provider}}`)).toBe(3);
    expect(grew(after, final, `fixloop_embedding_cache_misses_total{${provider}}`)).toBe(0);
    expect(grew(after, final, `fixloop_embedded_texts_total{${provider}}`)).toBe(0);
    expect(grew(after, final, `fixloop_job_duration_seconds_count{${CLUSTERING}}`)).toBe(1);
  });

  it('reports the depth of every queue by state', async () => {
    const s = await scrape();
    for (const queue of ['clustering', 'agent', 'reddit', 'billing']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(s.get(`fixloop_queue_jobs{queue="${queue}",state="${state}"}`)).toEqual(expect.any(Number));
      }
    }
  });
});
