import { type BillingEvent, DomainError } from '@fixloop/domain';
import { z } from 'zod';

const Id = z.string().min(1).max(255);
const Metadata = z.record(z.string(), z.string()).nullish();
/** A Stripe reference: an id, or the object itself when expanded. */
const Ref = z
  .union([Id, z.object({ id: Id })])
  .nullish()
  .transform((v) => (v == null ? undefined : typeof v === 'string' ? v : v.id));

const Envelope = z.object({
  id: Id,
  type: z.string(),
  created: z.number(),
  data: z.object({ object: z.unknown() }),
});

const CheckoutSession = z.object({
  client_reference_id: z.string().nullish(),
  customer: Ref,
  subscription: Ref,
  payment_status: z.string().nullish(),
  metadata: Metadata,
});

const Subscription = z.object({
  id: Id,
  status: z.string(),
  customer: Ref,
  metadata: Metadata,
  current_period_end: z.number().nullish(),
  items: z
    .object({
      data: z.array(
        z.object({ price: z.object({ id: Id }).nullish(), current_period_end: z.number().nullish() }),
      ),
    })
    .nullish(),
});

/** Invoices name their subscription under `parent.subscription_details` (older API versions: top level). */
const Invoice = z.object({
  customer: Ref,
  subscription: Ref,
  subscription_details: z.object({ metadata: Metadata }).nullish(),
  parent: z
    .object({ subscription_details: z.object({ subscription: Ref, metadata: Metadata }).nullish() })
    .nullish(),
});

const iso = (seconds: number | null | undefined) =>
  seconds == null ? undefined : new Date(seconds * 1000).toISOString();

/** Drops the keys whose value is undefined (the domain's optional fields are exact). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, type: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new DomainError('bad_request', `unexpected ${type} payload`, {
      issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

/** Reads a verified Stripe event into what billing needs; other event types become `other`. */
export function toBillingEvent(raw: unknown): BillingEvent {
  const e = parse(Envelope, raw, 'event');
  const base = { id: e.id, created: e.created };
  switch (e.type) {
    case 'checkout.session.completed': {
      const s = parse(CheckoutSession, e.data.object, e.type);
      return defined({
        ...base,
        kind: 'checkout_completed' as const,
        projectId: s.metadata?.projectId ?? s.client_reference_id ?? undefined,
        customerId: s.customer,
        subscriptionId: s.subscription,
        plan: s.metadata?.plan,
        paid: s.payment_status === 'paid' || s.payment_status === 'no_payment_required',
      });
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const s = parse(Subscription, e.data.object, e.type);
      const item = s.items?.data[0];
      return defined({
        ...base,
        kind: 'subscription' as const,
        deleted: e.type === 'customer.subscription.deleted',
        projectId: s.metadata?.projectId,
        customerId: s.customer,
        subscriptionId: s.id,
        status: s.status,
        priceId: item?.price?.id,
        currentPeriodEnd: iso(s.current_period_end ?? item?.current_period_end),
      });
    }
    case 'invoice.payment_failed': {
      const i = parse(Invoice, e.data.object, e.type);
      const details = i.parent?.subscription_details;
      return defined({
        ...base,
        kind: 'payment_failed' as const,
        projectId: details?.metadata?.projectId ?? i.subscription_details?.metadata?.projectId,
        customerId: i.customer,
        subscriptionId: details?.subscription ?? i.subscription,
      });
    }
    default:
      return { ...base, kind: 'other', type: e.type };
  }
}
