import { randomBytes } from 'node:crypto';
import type { NewFeedback } from '@fixloop/contracts';
import { DomainError } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisBillingStore } from './redis-billing-store.js';
import { RedisFeedbackStore } from './redis-feedback-store.js';
import { RedisUsageStore } from './redis-usage-store.js';

const NOW = new Date('2026-03-15T12:00:00Z');
const MONTH = '2026-03';
const ALLOWANCE = { free: 3, pro: 10, team: null };

let redis: Redis;
let store: RedisFeedbackStore;
let usage: RedisUsageStore;
let billing: RedisBillingStore;

beforeAll(() => {
  redis = createRedis(inject('redisUrl'));
  store = new RedisFeedbackStore(redis, () => NOW, ALLOWANCE);
  usage = new RedisUsageStore(redis, ALLOWANCE);
  billing = new RedisBillingStore(redis);
});
afterAll(() => {
  redis.disconnect();
});

const pid = () => `quota-${randomBytes(5).toString('hex')}`;

function nf(n: number, over: Partial<NewFeedback> = {}): NewFeedback {
  return { source: 'manual', title: `Report ${n}`, body: '', status: 'open', metadata: {}, ...over };
}

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('the monthly feedback limit in the add path', () => {
  it('counts within the limit, holds past it (out of clustering), refuses past twice the limit writing nothing', async () => {
    const p = pid();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await store.addFeedbackItem(p, nf(i))).item.id);
    const items = await store.getMany(p, ids);
    expect(items.map((i) => i?.held === true)).toEqual([false, false, false, true, true, true]);
    expect((await redis.smembers(keys.feedbackUnclustered(p))).sort()).toEqual(ids.slice(0, 3).sort());
    expect(await redis.zrange(keys.feedbackHeld(p), 0, -1)).toEqual(ids.slice(3));
    expect(await usage.monthly(p, MONTH)).toEqual({ feedback: 3, agentRuns: 0, held: 3 });

    const before = await redis.keys(`${keys.prefix(p)}*`);
    const err = await rejection(store.addFeedbackItem(p, nf(7, { externalId: 'x-7' })));
    expect(err.code).toBe('rate_limited');
    expect(err.details).toMatchObject({ plan: 'free', limit: 3 });
    expect((await redis.keys(`${keys.prefix(p)}*`)).sort()).toEqual(before.sort());
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(6);
    expect(await store.findByExternalId(p, 'manual', 'x-7')).toBeNull();
    // A duplicate of a stored report is still answered past the cap.
    const held = (await store.getMany(p, [ids[4] as string]))[0];
    expect(held?.held).toBe(true);
  });

  it('lists held reports with the held filter and keeps them out of clustering when edited or upserted', async () => {
    const p = pid();
    for (let i = 0; i < 3; i++) await store.addFeedbackItem(p, nf(i));
    const { item } = await store.upsert(p, { ...nf(9), externalId: 'ext-9' });
    expect(item.held).toBe(true);
    await store.update(p, item.id, { title: 'changed text' });
    await store.upsert(p, { ...nf(9), title: 'changed again', externalId: 'ext-9' });
    expect(await redis.sismember(keys.feedbackUnclustered(p), item.id)).toBe(0);
    const page = await store.list(p, { limit: 50, held: true });
    expect(page.items.map((i) => i.id)).toEqual([item.id]);
    expect((await store.list(p, { limit: 50, held: false })).items).toHaveLength(3);
    expect(await store.delete(p, item.id)).toBe(true);
    expect(await redis.zcard(keys.feedbackHeld(p))).toBe(0);
  });

  it('never lets concurrent ingests overshoot: exactly the limit counted and the limit held', async () => {
    const p = pid();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => store.addFeedbackItem(p, nf(i))),
    );
    const stored = results.filter((r) => r.status === 'fulfilled');
    const held = stored.filter((r) => r.value.item.held === true);
    expect(stored).toHaveLength(6);
    expect(held).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(34);
    expect(await usage.monthly(p, MONTH)).toEqual({ feedback: 3, agentRuns: 0, held: 3 });
    expect(await redis.scard(keys.feedbackUnclustered(p))).toBe(3);
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(6);
  });

  it('bulk: counts, holds and rejects row by row in order, writing nothing for rejected rows', async () => {
    const p = pid();
    const rows = await store.addFeedbackItems(
      p,
      Array.from({ length: 8 }, (_, i) => nf(i, { externalId: `b-${i}` })),
    );
    expect(rows.map((r) => (r.outcome === 'created' && r.held ? 'held' : r.outcome))).toEqual([
      'created',
      'created',
      'created',
      'held',
      'held',
      'held',
      'rejected',
      'rejected',
    ]);
    expect(rows[6]).toEqual({ outcome: 'rejected', id: '', plan: 'free', limit: 3 });
    expect(await store.findByExternalId(p, 'manual', 'b-6')).toBeNull();
    expect(await usage.monthly(p, MONTH)).toEqual({ feedback: 3, agentRuns: 0, held: 3 });
  });

  it('upsertMany marks the rows it stored past the monthly limit as held', async () => {
    const p = pid();
    const rows = await store.upsertMany(
      p,
      Array.from({ length: 5 }, (_, i) => ({ ...nf(i), externalId: `h-${i}` })),
    );
    expect(rows.map((r) => [r.outcome, r.held ?? false])).toEqual([
      ['created', false],
      ['created', false],
      ['created', false],
      ['created', true],
      ['created', true],
    ]);
  });

  it('upsertMany stores what fits and then refuses with rate_limited', async () => {
    const p = pid();
    const err = await rejection(
      store.upsertMany(
        p,
        Array.from({ length: 7 }, (_, i) => ({ ...nf(i), externalId: `u-${i}` })),
      ),
    );
    expect(err.code).toBe('rate_limited');
    expect(await redis.zcard(keys.feedbackCreated(p))).toBe(6);
  });

  it('follows the plan in the billing hash, and counts without limit when the allowance is unlimited', async () => {
    const p = pid();
    await billing.apply(p, { plan: 'team' }, 1);
    for (let i = 0; i < 12; i++) await store.addFeedbackItem(p, nf(i));
    expect(await usage.monthly(p, MONTH)).toEqual({ feedback: 12, agentRuns: 0, held: 0 });
    const off = new RedisFeedbackStore(redis, () => NOW);
    const q = pid();
    for (let i = 0; i < 5; i++) expect((await off.addFeedbackItem(q, nf(i))).item.held).toBeUndefined();
    expect((await usage.monthly(q, MONTH)).feedback).toBe(5);
  });
});

describe('releasing held reports', () => {
  it('lets the oldest through up to the new allowance after an upgrade, and flags a new month with room', async () => {
    const p = pid();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await store.addFeedbackItem(p, nf(i, { status: i === 4 ? 'closed' : 'open' }))).item.id);
    // Free: no room this month.
    expect(await usage.releaseHeld(p, MONTH, 100)).toEqual({ released: 0, remaining: 3 });
    // A new month: the first report finds held ones waiting.
    const april = new RedisFeedbackStore(redis, () => new Date('2026-04-01T00:00:05Z'), ALLOWANCE);
    const first = await april.addFeedbackItem(p, nf(10));
    expect(first.releasable).toBe(true);
    // Two of April's three are left: the two oldest held go, the third waits.
    expect(await usage.releaseHeld(p, '2026-04', 100)).toEqual({ released: 2, remaining: 1 });
    const after = await store.getMany(p, ids.slice(3));
    expect(after.map((i) => i?.held === true)).toEqual([false, false, true]);
    expect(await redis.sismember(keys.feedbackUnclustered(p), ids[3] as string)).toBe(1);
    // A closed report leaves the held set but not into clustering.
    expect(await redis.sismember(keys.feedbackUnclustered(p), ids[4] as string)).toBe(0);
    expect((await usage.monthly(p, '2026-04')).feedback).toBe(3);
    // An upgrade makes room in March again: the rest goes, in batches of `max`.
    await billing.apply(p, { plan: 'pro' }, 2);
    expect(await usage.releaseHeld(p, MONTH, 100)).toEqual({ released: 1, remaining: 0 });
    expect(await redis.sismember(keys.feedbackUnclustered(p), ids[5] as string)).toBe(1);
  });
});

describe('the billing record', () => {
  it('applies events in their order of creation, never an older one over a newer one', async () => {
    const p = pid();
    expect(await billing.get(p)).toEqual({ plan: 'free' });
    expect(await billing.apply(p, { plan: 'pro', status: 'active', customerId: 'cus_1' }, 100)).toBe(true);
    expect(await billing.apply(p, { plan: 'free', status: 'canceled' }, 90)).toBe(false);
    expect(
      await billing.apply(p, { status: 'past_due', paymentFailedAt: '2026-03-01T00:00:00.000Z' }, 100),
    ).toBe(true);
    expect(await billing.apply(p, { status: 'active', paymentFailedAt: null }, 120)).toBe(true);
    expect(await billing.get(p)).toEqual({ plan: 'pro', status: 'active', customerId: 'cus_1' });
  });

  it('claims an event id once: a replay is done, a concurrent one busy, a dropped claim free again', async () => {
    const id = `evt_${randomBytes(6).toString('hex')}`;
    expect(await billing.claimEvent(id)).toBe('claimed');
    expect(await billing.claimEvent(id)).toBe('busy');
    await billing.dropClaim(id);
    expect(await billing.claimEvent(id)).toBe('claimed');
    await billing.finishEvent(id);
    expect(await billing.claimEvent(id)).toBe('done');
    expect(await redis.ttl(keys.stripeEvent(id))).toBeGreaterThan(0);
  });
});
