import type { IngestResult, Usage } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createRedis } from '../src/infra/redis.js';
import { startBillingWorker } from '../src/jobs/billing-worker.js';
import type { BullScheduler } from '../src/jobs/bull-scheduler.js';
import { JOBS } from '../src/jobs/catalog.js';
import { expectError, ok, sleep } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';

/** A self-hosted server: no STRIPE_SECRET_KEY, so no plan limits, whatever FREE_* say. */
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({
    FREE_FEEDBACK_PER_MONTH: '2',
    FREE_AGENT_RUNS_PER_MONTH: '0',
    AGENT_MAX_RUNS_PER_MONTH: '1',
    CODING_AGENT_COMMAND: 'true {task_file}',
    ALLOW_LOCAL_REPOSITORIES: 'true',
  });
});

afterAll(async () => {
  await ctx?.close();
});

describe('billing config', () => {
  it('is on with STRIPE_SECRET_KEY, which needs the webhook secret; FREE_* set the free plan', () => {
    expect(loadConfig({}).billing).toMatchObject({ enabled: false, stripe: null });
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(ConfigError);
    const on = loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      STRIPE_PRICE_PRO: 'price_pro',
      FREE_FEEDBACK_PER_MONTH: '50',
      FREE_AGENT_RUNS_PER_MONTH: '2',
    }).billing;
    expect(on).toMatchObject({ enabled: true, prices: { pro: 'price_pro' } });
    expect(on.plans.free).toEqual({ feedback: 50, agentRuns: 2, members: 3 });
    expect(() => loadConfig({ FREE_FEEDBACK_PER_MONTH: '0' })).toThrow(/FREE_FEEDBACK_PER_MONTH/);
  });
});

describe('billing off', () => {
  it('stores every report unheld and reports usage without limits', async () => {
    const p = await ctx.createProject();
    for (let i = 0; i < 6; i++) {
      const r = await ctx.request({
        method: 'POST',
        url: '/feedback',
        token: p.apiKey,
        payload: { title: `R ${i}` },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json<IngestResult>().held).toBeUndefined();
    }
    const u = await ok<Usage>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/usage`, token: p.apiKey }),
    );
    expect(u).toMatchObject({
      billing: 'off',
      plan: 'free',
      held: 0,
      counts: { feedback: 6, agentRuns: 0 },
      limits: { feedback: null, agentRuns: null, members: null },
    });
    expect(u.subscription).toBeUndefined();
    expect(u.plans.every((plan) => !plan.purchasable && plan.limits.feedback === null)).toBe(true);
  });

  it('has no checkout or portal (409) and no webhook (404)', async () => {
    const p = await ctx.createProject();
    const r = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/billing/checkout`,
      token: p.apiKey,
      payload: { plan: 'pro' },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.details).toEqual({ billing: 'off' });
    await expectError(
      ctx.request({ method: 'POST', url: `/projects/${p.id}/billing/portal`, token: p.apiKey }),
      409,
      'conflict',
    );
    await expectError(
      ctx.request({
        method: 'POST',
        url: '/billing/stripe/webhook',
        token: null,
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        payload: '{}',
      }),
      404,
      'not_found',
    );
  });

  it('keeps the operator’s monthly agent-run limit as a 429', async () => {
    const p = await ctx.createProject();
    const c = ctx.runtime.container;
    const item = (
      await ctx.request({ method: 'POST', url: '/feedback', token: p.apiKey, payload: { title: 'Crash' } })
    ).json<IngestResult>();
    await c.clusters.moveItems(p.id, [{ itemId: item.id, to: 'c-429', vector: new Float32Array([1, 0]) }], {
      now: new Date(),
      newClusters: { 'c-429': { title: 'Crash' } },
      dequeue: true,
    });
    await ok(
      ctx.request({
        method: 'PUT',
        url: `/projects/${p.id}/repository`,
        token: p.apiKey,
        payload: { owner: 'acme', name: 'shop', cloneUrl: '/nonexistent/fixloop-billing-off.git' },
      }),
    );
    await c.redis.set(keys.agentRunsUsage(p.id, new Date().toISOString().slice(0, 7)), '1');
    const r = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/clusters/c-429/start_fix`,
      token: p.apiKey,
    });
    expect(r.statusCode, r.body).toBe(429);
    expect(r.json().error.details).toMatchObject({ limit: 1, kind: 'monthly_agent_runs' });
  });

  it('the billing.release-held job lets held reports through (held while billing was on)', async () => {
    const p = await ctx.createProject();
    const c = ctx.runtime.container;
    const item = (
      await ctx.request({ method: 'POST', url: '/feedback', token: p.apiKey, payload: { title: 'Held one' } })
    ).json<IngestResult>();
    await c.redis
      .multi()
      .hset(keys.feedback(p.id, item.id), 'held', '1')
      .zadd(keys.feedbackHeld(p.id), 1, item.id)
      .srem(keys.feedbackUnclustered(p.id), item.id)
      .exec();
    const connection = createRedis(c.redisUrl);
    const worker = startBillingWorker(c, connection);
    try {
      await (c.scheduler as BullScheduler).billingQueue.add(JOBS.billingReleaseHeld.name, {});
      for (let i = 0; i < 100 && (await c.redis.zcard(keys.feedbackHeld(p.id))) > 0; i++) await sleep(50);
      expect(await c.redis.zcard(keys.feedbackHeld(p.id))).toBe(0);
      expect((await c.feedback.get(p.id, item.id))?.held).toBeUndefined();
      expect(await c.redis.sismember(keys.feedbackUnclustered(p.id), item.id)).toBe(1);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});
