import type { PlanId } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { limitsOf } from './plans.js';
import type { BillingDeps } from './ports.js';

/** Where a client upgrades a project's plan. */
export const upgradeRoute = (projectId: string) => `/projects/${projectId}/billing/checkout`;

/** A 402: the plan's limit of `what` is reached; the details name the plan and the way up. */
export function planLimitReached(projectId: string, what: string, plan: PlanId, limit: number): DomainError {
  return new DomainError(
    'payment_required',
    `the ${plan} plan includes ${limit} ${what}; upgrade the plan to go on`,
    { plan, limit, upgrade: upgradeRoute(projectId) },
  );
}

/** The 429 of a report past the hard cap: the month's allowance is used and as many are held. */
export function feedbackLimitReached(plan: string, limit: number): DomainError {
  return new DomainError(
    'rate_limited',
    `the ${plan} plan takes ${limit} reports a month and holds ${limit} more until the next month or an upgrade; both are used, so this report was not stored`,
    { plan, limit, kind: 'monthly_feedback' },
  );
}

/** The plan's monthly agent-run limit of a project, or null when billing is off. */
export async function agentRunPlanLimit(
  deps: Pick<BillingDeps, 'billing' | 'settings'>,
  projectId: string,
): Promise<{ plan: PlanId; limit: number } | null> {
  if (!deps.settings.enabled) return null;
  const { plan } = await deps.billing.get(projectId);
  return { plan, limit: deps.settings.plans[plan].agentRuns };
}

/**
 * Refuses (402) a new member when the project's plan has no seat left. The users module calls this
 * before it adds a member; with billing off it never refuses.
 */
export async function assertMemberAllowed(deps: BillingDeps, projectId: string): Promise<void> {
  if (!deps.settings.enabled) return;
  const { plan } = await deps.billing.get(projectId);
  const limit = limitsOf(deps.settings, plan).members;
  if (limit === null) return;
  if ((await deps.members.count(projectId)) >= limit) {
    throw planLimitReached(projectId, limit === 1 ? 'member' : 'members', plan, limit);
  }
}
