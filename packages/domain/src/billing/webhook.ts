import { PaidPlanId, ProjectId, type StripeWebhookAck } from '@fixloop/contracts';
import { assertNever, DomainError } from '../errors.js';
import { planOfPrice } from './plans.js';
import type { BillingDeps, BillingEvent, BillingPatch } from './ports.js';
import { releaseHeldFeedback } from './release.js';

/** Subscription states that keep the paid plan (past_due: Stripe is still retrying the payment). */
const PAYING = new Set(['active', 'trialing', 'past_due']);

/**
 * `POST /billing/stripe/webhook`: verifies the signature over the raw body, then applies the event
 * once (its id is remembered; a replay changes nothing). A failure forgets the id again, so Stripe's
 * next delivery is processed.
 */
export async function handleStripeWebhook(
  deps: BillingDeps,
  rawBody: Buffer,
  signature: string | undefined,
): Promise<StripeWebhookAck> {
  if (!deps.payments) throw new DomainError('not_found', 'billing is off on this server');
  const event = deps.payments.parseWebhook(rawBody, signature);
  const claim = await deps.billing.claimEvent(event.id);
  if (claim === 'done') return { received: true, duplicate: true };
  if (claim === 'busy') {
    throw new DomainError('conflict', 'this event is being processed; deliver it again later', {
      eventId: event.id,
    });
  }
  try {
    await applyEvent(deps, event);
  } catch (err) {
    await deps.billing.dropClaim(event.id);
    throw err;
  }
  await deps.billing.finishEvent(event.id);
  return { received: true };
}

async function applyEvent(deps: BillingDeps, event: BillingEvent): Promise<void> {
  switch (event.kind) {
    case 'checkout_completed': {
      const projectId = await projectOf(deps, event);
      if (projectId === null) return;
      const patch: BillingPatch = {};
      if (event.customerId !== undefined) patch.customerId = event.customerId;
      if (event.subscriptionId !== undefined) patch.subscriptionId = event.subscriptionId;
      const plan = PaidPlanId.safeParse(event.plan);
      if (event.paid && plan.success) {
        patch.plan = plan.data;
        patch.status = 'active';
      }
      await change(deps, projectId, patch, event);
      return;
    }
    case 'subscription': {
      const projectId = await projectOf(deps, event);
      if (projectId === null) return;
      const patch: BillingPatch = {
        subscriptionId: event.subscriptionId,
        status: event.deleted ? 'canceled' : event.status,
        priceId: event.priceId ?? null,
        currentPeriodEnd: event.currentPeriodEnd ?? null,
      };
      if (event.customerId !== undefined) patch.customerId = event.customerId;
      if (event.deleted || !PAYING.has(event.status)) patch.plan = 'free';
      else {
        const plan = planOfPrice(deps.settings, event.priceId);
        if (plan !== undefined) patch.plan = plan;
        else
          deps.log.warn({ projectId, priceId: event.priceId }, 'subscription price is not a configured plan');
      }
      if (event.status === 'active' || event.status === 'trialing') patch.paymentFailedAt = null;
      await change(deps, projectId, patch, event);
      return;
    }
    case 'payment_failed': {
      const projectId = await projectOf(deps, event);
      if (projectId === null) return;
      deps.log.warn({ projectId, subscriptionId: event.subscriptionId }, 'subscription payment failed');
      await change(deps, projectId, { paymentFailedAt: new Date(event.created * 1000).toISOString() }, event);
      return;
    }
    case 'other':
      return;
    default:
      assertNever(event);
  }
}

/** Applies the patch (unless a later event was applied already) and lets held reports through. */
async function change(deps: BillingDeps, projectId: string, patch: BillingPatch, event: BillingEvent) {
  if (patch.customerId) await deps.billing.linkCustomer(patch.customerId, projectId);
  const applied = await deps.billing.apply(projectId, patch, event.created);
  deps.log.info(
    { projectId, eventId: event.id, kind: event.kind, plan: patch.plan, applied },
    'billing event',
  );
  if (applied && patch.plan !== undefined) await releaseHeldFeedback(deps, projectId);
}

/** The project an event is about: its metadata's project id, else the customer's project. */
async function projectOf(
  deps: BillingDeps,
  event: { id: string; projectId?: string; customerId?: string },
): Promise<string | null> {
  let projectId = event.projectId;
  if (projectId === undefined && event.customerId !== undefined) {
    projectId = (await deps.billing.projectOfCustomer(event.customerId)) ?? undefined;
  }
  if (
    projectId !== undefined &&
    ProjectId.safeParse(projectId).success &&
    (await deps.projects.get(projectId))
  ) {
    return projectId;
  }
  deps.log.warn(
    { eventId: event.id, projectId, customerId: event.customerId },
    'billing event for no known project',
  );
  return null;
}
