import type { FeedbackItem, ImportResult, IngestResult, StripeWebhookAck, Usage } from '@fixloop/contracts';
import { type AgentDeps, type BillingDeps, releaseHeldFeedback, startFix, usageMonth } from '@fixloop/domain';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, signUp } from './support/accounts.js';
import { expectError, ok } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import type { StandIn } from './support/stand-ins.js';
import {
  checkoutCompleted,
  formOf,
  invoicePaymentFailed,
  signedEvent,
  startStripeApi,
  stripeId,
  subscriptionEvent,
} from './support/stripe-api.js';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef0123456789';
const PUBLIC_URL = 'https://fixloop.example.com';
const FREE = 3;

let stripe: StandIn;
let ctx: TestContext;

beforeAll(async () => {
  stripe = await startStripeApi();
  ctx = await createTestContext({
    STRIPE_SECRET_KEY: 'sk_test_billing_0123456789',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_PRICE_PRO: 'price_pro_monthly',
    STRIPE_PRICE_TEAM: 'price_team_monthly',
    STRIPE_API_URL: stripe.url,
    FREE_FEEDBACK_PER_MONTH: String(FREE),
    FREE_AGENT_RUNS_PER_MONTH: '1',
    PUBLIC_URL,
    // start_fix gets as far as admission: a runner is configured, the repository is a local path.
    CODING_AGENT_COMMAND: 'true {task_file}',
    ALLOW_LOCAL_REPOSITORIES: 'true',
    ALLOW_SIGNUP: 'true',
  });
});

afterAll(async () => {
  await ctx?.close();
  await stripe?.close();
});

const redis = () => ctx.runtime.container.redis;

async function usageOf(p: { id: string; apiKey: string }): Promise<Usage> {
  return ok<Usage>(ctx.request({ method: 'GET', url: `/projects/${p.id}/usage`, token: p.apiKey }));
}

function deliver(event: object, opts: { secret?: string; header?: string } = {}) {
  const { payload, header } = signedEvent(opts.secret ?? WEBHOOK_SECRET, event);
  return ctx.request({
    method: 'POST',
    url: '/billing/stripe/webhook',
    token: null,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': opts.header ?? header },
    payload,
  });
}

async function ingest(p: { id: string; apiKey: string }, n: number, extra: object = {}) {
  return ctx.request({
    method: 'POST',
    url: '/feedback',
    token: p.apiKey,
    payload: { title: `Report ${n}`, body: `Body ${n}`, externalId: `r-${n}`, ...extra },
  });
}

/** A project on a paid plan, through the webhooks Stripe sends after Checkout. */
async function subscribe(p: { id: string }, plan: 'pro' | 'team') {
  const customer = stripeId('cus');
  const subscription = stripeId('sub');
  await ok(deliver(checkoutCompleted({ projectId: p.id, plan, customer, subscription })));
  return { customer, subscription };
}

describe('checkout and portal', () => {
  it('creates a Checkout session for the plan’s price with the project in its metadata', async () => {
    const p = await ctx.createProject();
    const session = await ok<{ id: string; url: string }>(
      ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/billing/checkout`,
        token: p.apiKey,
        payload: { plan: 'team' },
      }),
    );
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.id}`);
    const req = stripe.requests.at(-1);
    expect(req?.path).toBe('/v1/checkout/sessions');
    expect(req?.headers.authorization).toBe('Bearer sk_test_billing_0123456789');
    const form = formOf(req as NonNullable<typeof req>);
    expect(form).toMatchObject({
      mode: 'subscription',
      'line_items[0][price]': 'price_team_monthly',
      'line_items[0][quantity]': '1',
      client_reference_id: p.id,
      'metadata[projectId]': p.id,
      'metadata[plan]': 'team',
      'subscription_data[metadata][projectId]': p.id,
      'subscription_data[metadata][plan]': 'team',
      cancel_url: `${PUBLIC_URL}/app/sources?billing=cancelled`,
    });
    expect(form.success_url).toBe(
      `${PUBLIC_URL}/app/sources?billing=success&session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(form.customer).toBeUndefined();
  });

  it('refuses an unknown plan (422), and a second subscription (409: use the portal)', async () => {
    const p = await ctx.createProject();
    await expectError(
      ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/billing/checkout`,
        token: p.apiKey,
        payload: { plan: 'free' },
      }),
      422,
      'validation_failed',
    );
    const { customer } = await subscribe(p, 'pro');
    const r = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/billing/checkout`,
      token: p.apiKey,
      payload: { plan: 'team' },
    });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error.details).toEqual({ plan: 'pro', portal: `/projects/${p.id}/billing/portal` });
    // The portal opens for the customer Checkout created.
    const portal = await ok<{ url: string }>(
      ctx.request({ method: 'POST', url: `/projects/${p.id}/billing/portal`, token: p.apiKey }),
    );
    expect(portal.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\/bps_test_/);
    const form = formOf(stripe.requests.at(-1) as NonNullable<(typeof stripe.requests)[number]>);
    expect(form).toEqual({ customer, return_url: `${PUBLIC_URL}/app/sources` });
  });

  it('answers 409 for the portal of a project without a customer, and 403 for another project’s key', async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    await expectError(
      ctx.request({ method: 'POST', url: `/projects/${p.id}/billing/portal`, token: p.apiKey }),
      409,
      'conflict',
    );
    await expectError(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/usage`, token: other.apiKey }),
      403,
      'forbidden',
    );
  });
});

describe('the Stripe webhook', () => {
  it('answers 400 bad_request for a bad or missing signature and changes nothing', async () => {
    const p = await ctx.createProject();
    const event = checkoutCompleted({
      projectId: p.id,
      plan: 'pro',
      customer: stripeId('cus'),
      subscription: stripeId('sub'),
    });
    const wrong = await deliver(event, { secret: 'whsec_someone_else_entirely' });
    expect(wrong.statusCode, wrong.body).toBe(400);
    expect(wrong.json().error.code).toBe('bad_request');
    const { payload, header } = signedEvent(WEBHOOK_SECRET, event);
    const tampered = await ctx.request({
      method: 'POST',
      url: '/billing/stripe/webhook',
      token: null,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      payload: payload.replace('"pro"', '"team"'),
    });
    expect(tampered.statusCode).toBe(400);
    // Re-serialized JSON (same content, other bytes) fails too: the raw body is what is signed.
    const reformatted = await ctx.request({
      method: 'POST',
      url: '/billing/stripe/webhook',
      token: null,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      payload: JSON.stringify(JSON.parse(payload)),
    });
    expect(reformatted.statusCode).toBe(400);
    const missing = await ctx.request({
      method: 'POST',
      url: '/billing/stripe/webhook',
      token: null,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(missing.statusCode).toBe(400);
    expect((await usageOf(p)).plan).toBe('free');
    expect(await redis().exists(keys.billing(p.id), keys.stripeEvent(event.id))).toBe(0);
  });

  it('applies each event type: checkout, subscription created/updated/deleted, payment failed', async () => {
    const p = await ctx.createProject();
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    // Subscription created first (Stripe does not promise an order): metadata names the project.
    await ok(
      deliver(
        subscriptionEvent('created', {
          id: subscription,
          projectId: p.id,
          customer,
          price: 'price_pro_monthly',
          status: 'active',
        }),
      ),
    );
    let u = await usageOf(p);
    expect(u.plan).toBe('pro');
    expect(u.limits).toEqual({ feedback: 10_000, agentRuns: 100, members: 10 });
    expect(u.subscription).toEqual({ status: 'active', portal: true });

    await ok(deliver(checkoutCompleted({ projectId: p.id, plan: 'pro', customer, subscription })));
    expect((await usageOf(p)).plan).toBe('pro');

    // An update without metadata still finds the project through its customer.
    await ok(
      deliver(
        subscriptionEvent('updated', {
          id: subscription,
          customer,
          price: 'price_team_monthly',
          status: 'active',
        }),
      ),
    );
    expect((await usageOf(p)).plan).toBe('team');

    await ok(deliver(invoicePaymentFailed({ customer, subscription })));
    u = await usageOf(p);
    expect(u.plan).toBe('team');
    expect(u.subscription?.paymentFailedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    await ok(
      deliver(
        subscriptionEvent('updated', {
          id: subscription,
          customer,
          price: 'price_team_monthly',
          status: 'past_due',
        }),
      ),
    );
    expect((await usageOf(p)).subscription?.status).toBe('past_due');

    await ok(
      deliver(
        subscriptionEvent('deleted', {
          id: subscription,
          customer,
          price: 'price_team_monthly',
          status: 'canceled',
        }),
      ),
    );
    u = await usageOf(p);
    expect(u.plan).toBe('free');
    expect(u.subscription?.status).toBe('canceled');
    expect(u.subscription?.portal).toBe(true);

    // Event types billing does not use are acknowledged and ignored.
    const other = await ok<StripeWebhookAck>(
      deliver({
        id: stripeId('evt'),
        object: 'event',
        type: 'customer.created',
        created: 1,
        data: { object: {} },
      }),
    );
    expect(other).toEqual({ received: true });
  });

  it('applies an event once: a replay answers duplicate and changes nothing', async () => {
    const p = await ctx.createProject();
    const customer = stripeId('cus');
    const subscription = stripeId('sub');
    const upgrade = subscriptionEvent('updated', {
      id: subscription,
      projectId: p.id,
      customer,
      price: 'price_pro_monthly',
      status: 'active',
    });
    expect(await ok(deliver(upgrade))).toEqual({ received: true });
    await ok(
      deliver(
        subscriptionEvent('deleted', {
          id: subscription,
          projectId: p.id,
          customer,
          price: 'price_pro_monthly',
          status: 'canceled',
        }),
      ),
    );
    expect((await usageOf(p)).plan).toBe('free');
    const replay = await ok<StripeWebhookAck>(deliver(upgrade));
    expect(replay).toEqual({ received: true, duplicate: true });
    expect((await usageOf(p)).plan).toBe('free');
    // An older event delivered late (a new id, an earlier creation time) does not undo a newer one.
    const late = subscriptionEvent(
      'updated',
      { id: subscription, projectId: p.id, customer, price: 'price_pro_monthly', status: 'active' },
      upgrade.created - 10,
    );
    await ok(deliver(late));
    expect((await usageOf(p)).plan).toBe('free');
  });

  it('ignores events for unknown projects', async () => {
    const r = await ok<StripeWebhookAck>(
      deliver(
        checkoutCompleted({
          projectId: 'no-such-project',
          plan: 'pro',
          customer: stripeId('cus'),
          subscription: stripeId('sub'),
        }),
      ),
    );
    expect(r).toEqual({ received: true });
  });
});

describe('the monthly feedback limit', () => {
  it('holds reports past the limit (out of clustering), then refuses past twice the limit writing nothing', async () => {
    const p = await ctx.createProject();
    const created: IngestResult[] = [];
    for (let i = 0; i < 2 * FREE; i++) {
      const r = await ingest(p, i);
      expect(r.statusCode, r.body).toBe(201);
      created.push(r.json());
    }
    expect(created.map((c) => c.held === true)).toEqual([false, false, false, true, true, true]);
    const unclustered = await redis().smembers(keys.feedbackUnclustered(p.id));
    expect(unclustered.sort()).toEqual(
      created
        .slice(0, FREE)
        .map((c) => c.id)
        .sort(),
    );
    const status = await ok<{ pendingCount: number }>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/clustering/status`, token: p.apiKey }),
    );
    expect(status.pendingCount).toBe(FREE);

    const refused = await ingest(p, 99);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error).toMatchObject({
      code: 'rate_limited',
      details: { plan: 'free', limit: FREE, kind: 'monthly_feedback' },
    });
    expect(refused.json().error.message).toMatch(/was not stored/);
    expect(await redis().exists(keys.feedbackExternal(p.id, 'manual', 'r-99'))).toBe(0);
    expect(await redis().zcard(keys.feedbackCreated(p.id))).toBe(2 * FREE);
    // A duplicate of a stored report is answered as usual.
    expect((await ingest(p, 4)).statusCode).toBe(200);

    const held = await ok<{ items: FeedbackItem[] }>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/feedback?held=true`, token: p.apiKey }),
    );
    expect(held.items.map((i) => i.id).sort()).toEqual(
      created
        .slice(FREE)
        .map((c) => c.id)
        .sort(),
    );
    expect(held.items.every((i) => i.held === true)).toBe(true);
    const u = await usageOf(p);
    expect(u).toMatchObject({
      plan: 'free',
      billing: 'on',
      held: FREE,
      counts: { feedback: FREE, agentRuns: 0 },
    });
    expect(u.limits.feedback).toBe(FREE);
    expect(u.period.start).toBe(`${usageMonth(new Date())}-01T00:00:00.000Z`);
  });

  it('never exceeds the limit under concurrent ingests', async () => {
    const p = await ctx.createProject();
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => ingest(p, i)));
    const statuses = replies.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2 * FREE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - 2 * FREE);
    expect(replies.filter((r) => r.statusCode === 201 && r.json().held === true)).toHaveLength(FREE);
    const u = await usageOf(p);
    expect(u.counts.feedback).toBe(FREE);
    expect(u.held).toBe(FREE);
    expect(await redis().scard(keys.feedbackUnclustered(p.id))).toBe(FREE);
  });

  it('bulk import: rows past the hard cap are rejected one by one with a reason, the rest stored', async () => {
    const p = await ctx.createProject();
    const rows = Array.from({ length: 8 }, (_, i) => ({ title: `Imported ${i}`, externalId: `imp-${i}` }));
    const result = await ok<ImportResult>(
      ctx.request({
        method: 'POST',
        url: `/projects/${p.id}/feedback/import`,
        token: p.apiKey,
        payload: rows,
      }),
    );
    expect(result).toMatchObject({ created: 6, duplicates: 0, rejected: 2 });
    expect(result.results.map((r) => (r.held ? 'held' : r.status))).toEqual([
      'created',
      'created',
      'created',
      'held',
      'held',
      'held',
      'rejected',
      'rejected',
    ]);
    expect(result.results[6]?.error).toMatchObject({
      code: 'rate_limited',
      details: { plan: 'free', limit: FREE },
    });
    expect(await redis().exists(keys.feedbackExternal(p.id, 'manual', 'imp-7'))).toBe(0);
  });

  it('an upgrade releases held reports oldest first into clustering', async () => {
    const p = await ctx.createProject();
    const ids: string[] = [];
    for (let i = 0; i < 2 * FREE; i++) ids.push((await ingest(p, i)).json<IngestResult>().id);
    const heldIds = ids.slice(FREE);
    expect(await redis().zrange(keys.feedbackHeld(p.id), 0, -1)).toEqual(heldIds);
    await subscribe(p, 'pro');
    const u = await usageOf(p);
    expect(u).toMatchObject({ plan: 'pro', held: 0, counts: { feedback: 2 * FREE } });
    const items = await ctx.runtime.container.feedback.getMany(p.id, heldIds);
    expect(items.every((i) => i !== null && i.held === undefined)).toBe(true);
    expect((await redis().smembers(keys.feedbackUnclustered(p.id))).sort()).toEqual([...ids].sort());
    // Clustering was asked for: a run is waiting.
    const jobs = await ok<{ items: Array<{ status: string }> }>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/cluster-jobs`, token: p.apiKey }),
    );
    expect(jobs.items.some((j) => j.status === 'pending' || j.status === 'running')).toBe(true);
  });

  it('a new month releases held reports oldest first up to its allowance and asks for clustering', async () => {
    const p = await ctx.createProject();
    const ids: string[] = [];
    for (let i = 0; i < 2 * FREE; i++) ids.push((await ingest(p, i)).json<IngestResult>().id);
    await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/feedback`,
      token: p.apiKey,
      payload: { title: 'x' },
    });
    const released: string[] = [];
    const c = ctx.runtime.container;
    // Next month's first day; one report of that month already came in.
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    await redis().set(keys.feedbackUsage(p.id, usageMonth(next)), '1');
    const deps: BillingDeps = {
      ...c.billingDeps,
      now: () => next,
      onReleased: async (projectId) => {
        released.push(projectId);
      },
    };
    expect(await releaseHeldFeedback(deps, p.id)).toBe(FREE - 1);
    expect(released).toEqual([p.id]);
    expect(await redis().zrange(keys.feedbackHeld(p.id), 0, -1)).toEqual(ids.slice(2 * FREE - 1));
    const stillHeld = await c.feedback.get(p.id, ids[2 * FREE - 1] as string);
    expect(stillHeld?.held).toBe(true);
    expect(await redis().get(keys.feedbackUsage(p.id, usageMonth(next)))).toBe(String(FREE));
    // Nothing more fits: no second release, no clustering request.
    expect(await releaseHeldFeedback(deps, p.id)).toBe(0);
    expect(released).toEqual([p.id]);
  });
});

describe('agent runs on a plan', () => {
  it('answers 402 payment_required past the plan’s monthly runs, naming the plan and the upgrade route', async () => {
    const p = await ctx.createProject();
    const c = ctx.runtime.container;
    const item = (await ingest(p, 1)).json<IngestResult>();
    await c.clusters.moveItems(
      p.id,
      [{ itemId: item.id, to: 'c-402', vector: new Float32Array([1, 0, 0]) }],
      {
        now: new Date(),
        newClusters: { 'c-402': { title: 'Checkout fails' } },
        dequeue: true,
      },
    );
    await ok(
      ctx.request({
        method: 'PUT',
        url: `/projects/${p.id}/repository`,
        token: p.apiKey,
        payload: {
          owner: 'acme',
          name: 'shop',
          defaultBranch: 'main',
          cloneUrl: '/nonexistent/fixloop-billing.git',
        },
      }),
    );
    // The free plan's one run of this month is used.
    await redis().set(keys.agentRunsUsage(p.id, usageMonth(new Date())), '1');
    const r = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/clusters/c-402/start_fix`,
      token: p.apiKey,
    });
    expect(r.statusCode, r.body).toBe(402);
    expect(r.json().error).toMatchObject({
      code: 'payment_required',
      details: { plan: 'free', limit: 1, upgrade: `/projects/${p.id}/billing/checkout` },
    });
    // On a bigger plan the same project is admitted (the run would then be queued).
    await subscribe(p, 'pro');
    const deps: AgentDeps = {
      ...c.agentDeps,
      queue: { enqueue: async () => {}, signalCancel: async () => {} },
    };
    const job = await startFix(deps, p.id, 'c-402', 'test');
    expect(job.status).toBe('queued');
    expect((await usageOf(p)).counts.agentRuns).toBe(2);
  });
});

describe('members on a plan', () => {
  it('refuses a new member past the free plan with 402, while role changes still work', async () => {
    const owner = await signUp(ctx);
    const created = await asSession(ctx, owner.token, {
      method: 'POST',
      url: '/projects',
      payload: { name: `Members ${Date.now()}` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const pid = created.json<{ project: { id: string } }>().project.id;
    const add = (email: string, role: string) =>
      asSession(ctx, owner.token, {
        method: 'POST',
        url: `/projects/${pid}/members`,
        payload: { email, role },
      });
    const [a, b, c] = [await signUp(ctx), await signUp(ctx), await signUp(ctx)];
    expect((await add(a.email, 'member')).statusCode).toBe(200);
    expect((await add(b.email, 'viewer')).statusCode).toBe(200);
    // The owner and two members: the free plan's three.
    const refused = await add(c.email, 'member');
    expect(refused.statusCode, refused.body).toBe(402);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('payment_required');
    const list = await asSession(ctx, owner.token, { method: 'GET', url: `/projects/${pid}/members` });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(3);
    expect((await add(b.email, 'member')).statusCode).toBe(200);
  });
});

describe('deleting a paying project', () => {
  it("drops the Stripe customer's link to it, so later events find no project", async () => {
    const p = await ctx.createProject(`Paying ${Date.now()}`);
    const { customer } = await subscribe(p, 'pro');
    expect(await redis().get(keys.billingCustomer(customer))).toBe(p.id);
    const project = await ok<{ name: string }>(ctx.request({ method: 'GET', url: `/projects/${p.id}` }));
    const res = await ctx.request({
      method: 'DELETE',
      url: `/projects/${p.id}`,
      payload: { confirm: project.name },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(await redis().get(keys.billingCustomer(customer))).toBeNull();
  });
});
