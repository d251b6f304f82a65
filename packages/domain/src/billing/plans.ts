import { type PaidPlanId, PLAN_ORDER, type PlanId, type PlanLimits } from '@fixloop/contracts';

/** Billing as the operator configured it; `enabled` is false on a self-hosted server without Stripe. */
export interface BillingSettings {
  enabled: boolean;
  /** Each plan's monthly allowances (numbers: a configured plan is never unlimited). */
  plans: Record<PlanId, { feedback: number; agentRuns: number; members: number }>;
  /** Stripe price ids of the plans Checkout sells. */
  prices: Partial<Record<PaidPlanId, string>>;
  /** The dashboard's base URL; Checkout and the portal send the browser back under `/app/`. */
  publicUrl: string;
}

const UNLIMITED: PlanLimits = { feedback: null, agentRuns: null, members: null };

/** A plan's limits; all unlimited when billing is off. */
export function limitsOf(settings: BillingSettings, plan: PlanId): PlanLimits {
  return settings.enabled ? { ...settings.plans[plan] } : UNLIMITED;
}

/** The monthly feedback allowance of every plan, as the feedback store enforces it (null: unlimited). */
export function feedbackAllowance(settings: BillingSettings): Record<PlanId, number | null> {
  return Object.fromEntries(PLAN_ORDER.map((p) => [p, limitsOf(settings, p).feedback])) as Record<
    PlanId,
    number | null
  >;
}

/** The plan a Stripe price id sells, if it is one of the configured prices. */
export function planOfPrice(settings: BillingSettings, priceId: string | undefined): PaidPlanId | undefined {
  if (priceId === undefined) return undefined;
  for (const [plan, price] of Object.entries(settings.prices)) {
    if (price === priceId) return plan as PaidPlanId;
  }
  return undefined;
}

/** `YYYY-MM` of a date in UTC: the month usage counts against. */
export function usageMonth(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** The UTC calendar month containing `d`: start inclusive, end exclusive. */
export function usagePeriod(d: Date): { start: string; end: string } {
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}
