import { z } from 'zod';
import { Timestamp } from './common.js';

/** The plans a project can be on; `free` until a subscription says otherwise. */
export const PlanId = z.enum(['free', 'pro', 'team']);
export type PlanId = z.infer<typeof PlanId>;

/** The plans sold through Stripe Checkout. */
export const PaidPlanId = z.enum(['pro', 'team']);
export type PaidPlanId = z.infer<typeof PaidPlanId>;

/** Plans from the smallest allowance to the largest. */
export const PLAN_ORDER: readonly PlanId[] = ['free', 'pro', 'team'];

/** A plan's monthly allowances; `null` is unlimited (always so when billing is off). */
export const PlanLimits = z
  .object({
    feedback: z.number().int().nullable(),
    agentRuns: z.number().int().nullable(),
    members: z.number().int().nullable(),
  })
  .meta({ id: 'PlanLimits' });
export type PlanLimits = z.infer<typeof PlanLimits>;

/** `GET /projects/{pid}/usage`: this month's counts against the project's plan. */
export const Usage = z
  .object({
    period: z.object({ start: Timestamp, end: Timestamp }),
    plan: PlanId,
    billing: z.enum(['on', 'off']),
    counts: z.object({
      feedback: z.number().int(),
      agentRuns: z.number().int(),
      members: z.number().int(),
    }),
    limits: PlanLimits,
    /** Reports stored past the feedback limit, waiting for the next month or a bigger plan. */
    held: z.number().int(),
    /** The Stripe subscription's state, when the project has a customer. */
    subscription: z
      .object({
        status: z.string(),
        /** Whether the billing portal can be opened (the project has a Stripe customer). */
        portal: z.boolean(),
        paymentFailedAt: Timestamp.optional(),
      })
      .optional(),
    /** Every plan with its limits; `purchasable` when Checkout can sell it (its price is configured). */
    plans: z.array(z.object({ id: PlanId, limits: PlanLimits, purchasable: z.boolean() })),
  })
  .meta({ id: 'Usage' });
export type Usage = z.infer<typeof Usage>;

/** `POST /projects/{pid}/billing/checkout`. */
export const CheckoutRequest = z.object({ plan: PaidPlanId });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

/** Where to send the browser: a Stripe Checkout or Billing Portal page. */
export const BillingRedirect = z.object({ id: z.string(), url: z.string() }).meta({ id: 'BillingRedirect' });
export type BillingRedirect = z.infer<typeof BillingRedirect>;

/** The answer to a Stripe webhook delivery. */
export const StripeWebhookAck = z
  .object({ received: z.literal(true), duplicate: z.boolean().optional() })
  .meta({ id: 'StripeWebhookAck' });
export type StripeWebhookAck = z.infer<typeof StripeWebhookAck>;
