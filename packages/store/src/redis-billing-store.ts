import { PlanId } from '@fixloop/contracts';
import type { BillingPatch, BillingRecord, BillingStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * Applies a billing patch unless an event created later was applied already.
 * KEYS: billing hash. ARGV: event time (seconds), field, value ('' removes), … Returns 1 when applied.
 */
const APPLY = `
local at = tonumber(ARGV[1])
if at < tonumber(redis.call('HGET', KEYS[1], 'eventAt') or '0') then return 0 end
for i = 2, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('HSET', KEYS[1], 'eventAt', ARGV[1])
return 1
`;

const UNLINK_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const FIELDS = [
  'customerId',
  'subscriptionId',
  'status',
  'priceId',
  'currentPeriodEnd',
  'paymentFailedAt',
] as const;

/** A claim outlives any sane processing time; then Stripe's retry may process the event again. */
const CLAIM_TTL_S = 300;
/** Stripe retries a delivery for up to three days; replays are recognised for a month. */
const DONE_TTL_S = 30 * 24 * 3600;

/** Each project's plan and subscription state in `project:{pid}:billing`, plus Stripe's ids. */
export class RedisBillingStore implements BillingStore {
  constructor(private readonly redis: Redis) {}

  async get(projectId: string): Promise<BillingRecord> {
    const h = await this.redis.hgetall(keys.billing(projectId));
    const plan = PlanId.safeParse(h.plan);
    const record: BillingRecord = { plan: plan.success ? plan.data : 'free' };
    for (const f of FIELDS) {
      const v = h[f];
      if (v !== undefined && v !== '') record[f] = v;
    }
    return record;
  }

  async apply(projectId: string, patch: BillingPatch, eventAt: number): Promise<boolean> {
    const args: string[] = [String(Math.floor(eventAt))];
    for (const [field, value] of Object.entries(patch)) {
      if (value !== undefined) args.push(field, value ?? '');
    }
    return (await this.redis.eval(APPLY, 1, keys.billing(projectId), ...args)) === 1;
  }

  async linkCustomer(customerId: string, projectId: string): Promise<void> {
    await this.redis.set(keys.billingCustomer(customerId), projectId);
  }

  async unlinkCustomer(customerId: string, projectId: string): Promise<void> {
    await this.redis.eval(UNLINK_IF_OURS, 1, keys.billingCustomer(customerId), projectId);
  }

  projectOfCustomer(customerId: string): Promise<string | null> {
    return this.redis.get(keys.billingCustomer(customerId));
  }

  async claimEvent(eventId: string): Promise<'claimed' | 'done' | 'busy'> {
    const key = keys.stripeEvent(eventId);
    if ((await this.redis.set(key, 'processing', 'EX', CLAIM_TTL_S, 'NX')) === 'OK') return 'claimed';
    return (await this.redis.get(key)) === 'done' ? 'done' : 'busy';
  }

  async finishEvent(eventId: string): Promise<void> {
    await this.redis.set(keys.stripeEvent(eventId), 'done', 'EX', DONE_TTL_S);
  }

  async dropClaim(eventId: string): Promise<void> {
    await this.redis.del(keys.stripeEvent(eventId));
  }
}
