import type { BillingRedirect, PaidPlanId } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { requireProject } from '../projects/projects.js';
import type { BillingDeps, PaymentProvider } from './ports.js';

/** Subscription states in which the project already pays: a change of plan goes through the portal. */
const SUBSCRIBED = new Set(['active', 'trialing', 'past_due']);

function paymentsOf(deps: BillingDeps): PaymentProvider {
  if (!deps.payments) {
    throw new DomainError('conflict', 'billing is off on this server: every project is unlimited', {
      billing: 'off',
    });
  }
  return deps.payments;
}

/** Where Stripe sends the browser back: the dashboard's Sources page, which shows billing. */
function returnUrl(deps: BillingDeps, outcome?: string): string {
  const base = `${deps.settings.publicUrl}/app/sources`;
  return outcome === undefined ? base : `${base}?billing=${outcome}`;
}

/** Opens a Stripe Checkout session for a paid plan; the project id rides in its metadata. */
export async function startCheckout(
  deps: BillingDeps,
  projectId: string,
  plan: PaidPlanId,
): Promise<BillingRedirect> {
  const payments = paymentsOf(deps);
  await requireProject(deps, projectId);
  const priceId = deps.settings.prices[plan];
  if (priceId === undefined) {
    throw new DomainError('conflict', `the ${plan} plan has no Stripe price configured on this server`, {
      plan,
    });
  }
  const record = await deps.billing.get(projectId);
  if (record.subscriptionId !== undefined && SUBSCRIBED.has(record.status ?? '')) {
    throw new DomainError(
      'conflict',
      `the project already has a ${record.plan} subscription; change plans in the billing portal`,
      { plan: record.plan, portal: `/projects/${projectId}/billing/portal` },
    );
  }
  const session = await payments.createCheckout({
    projectId,
    plan,
    priceId,
    ...(record.customerId === undefined ? {} : { customerId: record.customerId }),
    successUrl: `${returnUrl(deps, 'success')}&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: returnUrl(deps, 'cancelled'),
  });
  deps.log.info({ projectId, plan, sessionId: session.id }, 'checkout session created');
  return session;
}

/** Opens the Stripe Billing Portal for the project's customer (409 when it never subscribed). */
export async function openBillingPortal(deps: BillingDeps, projectId: string): Promise<BillingRedirect> {
  const payments = paymentsOf(deps);
  await requireProject(deps, projectId);
  const { customerId } = await deps.billing.get(projectId);
  if (customerId === undefined) {
    throw new DomainError('conflict', 'the project has no Stripe customer yet: subscribe to a plan first', {
      upgrade: `/projects/${projectId}/billing/checkout`,
    });
  }
  return payments.createPortal({ customerId, returnUrl: returnUrl(deps) });
}
