import { PLAN_ORDER, type Usage } from '@fixloop/contracts';
import { requireProject } from '../projects/projects.js';
import { limitsOf, usageMonth, usagePeriod } from './plans.js';
import type { BillingDeps } from './ports.js';

/** `GET /projects/{pid}/usage`: this month's counts, the plan's limits and the held reports. */
export async function getUsage(deps: BillingDeps, projectId: string): Promise<Usage> {
  await requireProject(deps, projectId);
  const now = deps.now();
  const [record, monthly, members] = await Promise.all([
    deps.billing.get(projectId),
    deps.usage.monthly(projectId, usageMonth(now)),
    deps.members.count(projectId),
  ]);
  const s = deps.settings;
  const usage: Usage = {
    period: usagePeriod(now),
    plan: record.plan,
    billing: s.enabled ? 'on' : 'off',
    counts: { feedback: monthly.feedback, agentRuns: monthly.agentRuns, members },
    limits: limitsOf(s, record.plan),
    held: monthly.held,
    plans: PLAN_ORDER.map((id) => ({
      id,
      limits: limitsOf(s, id),
      purchasable: s.enabled && id !== 'free' && s.prices[id] !== undefined,
    })),
  };
  if (s.enabled && (record.customerId !== undefined || record.status !== undefined)) {
    usage.subscription = { status: record.status ?? 'none', portal: record.customerId !== undefined };
    if (record.paymentFailedAt !== undefined) usage.subscription.paymentFailedAt = record.paymentFailedAt;
  }
  return usage;
}
