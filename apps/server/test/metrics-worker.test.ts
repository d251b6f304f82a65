import { DEFAULT_PROJECT_ID } from '@fixloop/domain';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';
import { runWithRequestId } from '../src/infra/request-context.js';
import { BullScheduler } from '../src/jobs/bull-scheduler.js';
import { loggerOptions } from '../src/logger.js';
import { sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { grew, samplesOf } from './support/metrics.js';

/** A `worker` process: no HTTP API, its metrics on their own port (`METRICS_PORT`). */
const METRICS_TOKEN = 'metrics-token-for-the-worker-test';
const lines: Array<Record<string, unknown>> = [];
let ctx: TestContext;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/metrics`;
  const log = pino(loggerOptions('debug'), { write: (line: string) => lines.push(JSON.parse(line)) });
  ctx = await createTestContext(
    { METRICS_PORT: String(port), METRICS_TOKEN, EMBEDDINGS_PROVIDER: 'openai', HOST: '127.0.0.1' },
    { log, role: 'worker' },
  );
});
afterAll(async () => ctx?.close());

const scrape = (token?: string) =>
  fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
const samples = async () => {
  const res = await scrape(METRICS_TOKEN);
  return samplesOf({ status: res.status, text: await res.text() });
};

describe('a worker process with METRICS_PORT', () => {
  it('has no API, and serves its metrics on the port to the metrics token or the admin key only', async () => {
    expect(ctx.runtime.app).toBeUndefined();
    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toMatch(/^fixloop_queue_jobs\{queue="reddit",state="active"\} \d+$/m);
    expect((await scrape(ctx.adminToken)).status).toBe(200);
    expect((await scrape()).status).toBe(401);
    expect((await scrape('wrong-token-of-some-length')).status).toBe(401);
  });

  it('counts and times the jobs the worker runs, and logs them with the queuing request id', async () => {
    const scheduler = ctx.runtime.container.scheduler;
    if (!(scheduler instanceof BullScheduler)) throw new Error('the runtime should schedule through BullMQ');
    const before = await samples();
    // As an API process would queue it while serving request req-worker-1.
    await runWithRequestId('req-worker-1', () => scheduler.requestRedditPoll(DEFAULT_PROJECT_ID));

    const key = 'fixloop_jobs_total{job="reddit.poll",outcome="succeeded"}';
    const deadline = Date.now() + 10_000;
    let after = await samples();
    while (grew(before, after, key) < 1) {
      if (Date.now() > deadline) throw new Error('the poll was never counted');
      await sleep(20);
      after = await samples();
    }
    expect(grew(before, after, key)).toBe(1);
    expect(grew(before, after, 'fixloop_job_duration_seconds_count{job="reddit.poll"}')).toBe(1);

    const finished = lines.filter((l) => l.msg === 'job finished' && l.job === 'reddit.poll');
    expect(finished).toEqual([
      expect.objectContaining({ reqId: 'req-worker-1', outcome: 'succeeded', projectId: DEFAULT_PROJECT_ID }),
    ]);
    expect(finished[0]?.jobId).toEqual(expect.any(String));
  });
});
