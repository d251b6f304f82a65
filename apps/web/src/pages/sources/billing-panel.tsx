import type { PaidPlanId, PlanId, Usage } from '@fixloop/contracts';
import { useId } from 'react';
import { useBillingPortal, useCheckout, useUsage } from '../../api/billing';
import { errorMessage } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useToast } from '../../components/toast';

const PLAN_NAMES: Record<PlanId, string> = { free: 'Free', pro: 'Pro', team: 'Team' };
/** Smallest allowance first (types only from the contracts: no schema code in the bundle). */
const PLAN_ORDER: readonly PlanId[] = ['free', 'pro', 'team'];
const number = new Intl.NumberFormat('en');

function UsageRow({ label, count, limit }: { label: string; count: number; limit: number | null }) {
  const text =
    limit === null
      ? `${number.format(count)} this month`
      : `${number.format(count)} of ${number.format(limit)}`;
  return (
    <li className="repo-row">
      <strong>{label}</strong> <span className="muted">{text}</span>
      {limit !== null ? (
        <meter
          style={{ display: 'block', width: '100%' }}
          min={0}
          max={Math.max(limit, 1)}
          high={Math.max(limit, 1) * 0.8}
          optimum={0}
          value={Math.min(count, limit)}
          aria-label={`${label}: ${text}`}
        />
      ) : null}
    </li>
  );
}

/** Plans Checkout sells that are above the project's current one. */
function upgradesOf(usage: Usage): PaidPlanId[] {
  const rank = PLAN_ORDER.indexOf(usage.plan);
  return usage.plans
    .filter((p) => p.purchasable && p.id !== 'free' && PLAN_ORDER.indexOf(p.id) > rank)
    .map((p) => p.id as PaidPlanId);
}

export interface BillingPanelProps {
  /** Sends the browser to Stripe (replaced in tests). */
  navigate?: (url: string) => void;
}

/**
 * This month's usage against the plan, the reports held past its limit, and the way to upgrade or
 * manage billing. With billing off (self-hosted) only the counts show: there are no limits.
 */
export function BillingPanel({ navigate = (url) => window.location.assign(url) }: BillingPanelProps) {
  const id = useId();
  const usage = useUsage();
  const checkout = useCheckout();
  const portal = useBillingPortal();
  const toast = useToast();
  const u = usage.data;
  const on = u?.billing === 'on';
  const redirecting = checkout.isPending || portal.isPending || checkout.isSuccess || portal.isSuccess;

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{on || !u ? 'Billing & usage' : 'Usage'}</h2>
      {usage.isPending ? <Loading /> : null}
      {usage.isError ? <ErrorState error={usage.error} onRetry={() => void usage.refetch()} /> : null}
      {u ? (
        <>
          {on ? (
            <p>
              Plan: <strong>{PLAN_NAMES[u.plan]}</strong>
              {u.subscription && u.subscription.status !== 'active' ? (
                <span className="muted"> (subscription {u.subscription.status.replace('_', ' ')})</span>
              ) : null}
            </p>
          ) : null}
          {on && u.subscription?.paymentFailedAt ? (
            <p className="field-error" role="alert">
              The last payment failed. Update the payment method in Manage billing.
            </p>
          ) : null}
          <ul className="plain-list" aria-label="Usage this month">
            <UsageRow label="Reports" count={u.counts.feedback} limit={u.limits.feedback} />
            <UsageRow label="Agent runs" count={u.counts.agentRuns} limit={u.limits.agentRuns} />
            <UsageRow label="Members" count={u.counts.members} limit={u.limits.members} />
            {on || u.held > 0 ? (
              <UsageRow label="Held reports" count={u.held} limit={u.limits.feedback} />
            ) : null}
          </ul>
          {on && u.held > 0 ? (
            <p className="hint">
              Reports past the plan’s monthly limit are kept, not clustered, until next month or an upgrade.
            </p>
          ) : null}
          {on ? (
            <div className="actions">
              {upgradesOf(u).map((plan) => (
                <button
                  key={plan}
                  type="button"
                  className="button button-primary"
                  disabled={redirecting}
                  onClick={() =>
                    checkout.mutate(plan, {
                      onSuccess: (s) => navigate(s.url),
                      onError: (e) => toast.error(`Checkout did not open: ${errorMessage(e)}`),
                    })
                  }
                >
                  Upgrade to {PLAN_NAMES[plan]}
                </button>
              ))}
              {u.subscription?.portal ? (
                <button
                  type="button"
                  className="button"
                  disabled={redirecting}
                  onClick={() =>
                    portal.mutate(undefined, {
                      onSuccess: (s) => navigate(s.url),
                      onError: (e) => toast.error(`Billing portal did not open: ${errorMessage(e)}`),
                    })
                  }
                >
                  Manage billing
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
