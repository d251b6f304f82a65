import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { type RecordedRequest, type Route, type StandIn, startStandIn } from './stand-ins.js';

const rid = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/** A form-encoded Stripe request body (`a[b][0][c]=v`) as flat `key → value` pairs. */
export function formOf(req: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(req.body));
}

/** Stripe's `{error: {type, message}}` answer. */
function stripeError(status: number, message: string, param?: string) {
  return { status, body: { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } } };
}

/**
 * `POST /v1/checkout/sessions` and `POST /v1/billing_portal/sessions` as Stripe documents them
 * (abridged objects): the stand-in answers what a test-mode account would, and records the request.
 */
const stripeRoutes: Route = (req) => {
  if (req.headers.authorization?.startsWith('Bearer sk_') !== true) {
    return stripeError(401, 'Invalid API Key provided');
  }
  const form = formOf(req);
  if (req.method === 'POST' && req.path === '/v1/checkout/sessions') {
    if (!form['line_items[0][price]'])
      return stripeError(400, 'Missing required param: line_items[0][price].', 'line_items');
    const id = rid('cs');
    return {
      body: {
        id,
        object: 'checkout.session',
        mode: form.mode,
        status: 'open',
        payment_status: 'unpaid',
        client_reference_id: form.client_reference_id ?? null,
        customer: form.customer ?? null,
        subscription: null,
        success_url: form.success_url,
        cancel_url: form.cancel_url,
        metadata: { projectId: form['metadata[projectId]'], plan: form['metadata[plan]'] },
        livemode: false,
        created: Math.floor(Date.now() / 1000),
        expires_at: Math.floor(Date.now() / 1000) + 86_400,
        url: `https://checkout.stripe.com/c/pay/${id}`,
      },
    };
  }
  if (req.method === 'POST' && req.path === '/v1/billing_portal/sessions') {
    if (!form.customer) return stripeError(400, 'Missing required param: customer.', 'customer');
    const id = rid('bps');
    return {
      body: {
        id,
        object: 'billing_portal.session',
        customer: form.customer,
        return_url: form.return_url ?? null,
        livemode: false,
        created: Math.floor(Date.now() / 1000),
        url: `https://billing.stripe.com/p/session/${id}`,
      },
    };
  }
  return stripeError(404, `Unrecognized request URL (${req.method}: ${req.path}).`);
};

export function startStripeApi(): Promise<StandIn> {
  return startStandIn(stripeRoutes);
}

/** A webhook body and its `Stripe-Signature`, signed the way Stripe signs them. */
export function signedEvent(secret: string, event: object, timestamp?: number) {
  const payload = JSON.stringify(event, null, 2);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
  return { payload, header };
}

let created = Math.floor(Date.now() / 1000);
/** Event creation times that only go up, as Stripe's do. */
const nextCreated = () => ++created;

function envelope(type: string, object: object, at = nextCreated()) {
  return {
    id: rid('evt'),
    object: 'event',
    api_version: '2026-10-28.endive',
    created: at,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export function checkoutCompleted(o: {
  projectId: string;
  plan: string;
  customer: string;
  subscription: string;
  paymentStatus?: string;
}) {
  return envelope('checkout.session.completed', {
    id: rid('cs'),
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: o.paymentStatus ?? 'paid',
    client_reference_id: o.projectId,
    customer: o.customer,
    subscription: o.subscription,
    metadata: { projectId: o.projectId, plan: o.plan },
  });
}

export function subscriptionEvent(
  type: 'created' | 'updated' | 'deleted',
  o: { id: string; projectId?: string; customer: string; price: string; status: string },
  at?: number,
) {
  const periodEnd = Math.floor(Date.now() / 1000) + 30 * 86_400;
  return envelope(
    `customer.subscription.${type}`,
    {
      id: o.id,
      object: 'subscription',
      customer: o.customer,
      status: o.status,
      metadata: o.projectId === undefined ? {} : { projectId: o.projectId },
      items: {
        object: 'list',
        data: [
          {
            id: rid('si'),
            object: 'subscription_item',
            current_period_end: periodEnd,
            price: { id: o.price, object: 'price', recurring: { interval: 'month' } },
            quantity: 1,
          },
        ],
      },
    },
    at,
  );
}

export function invoicePaymentFailed(o: { customer: string; subscription: string; projectId?: string }) {
  return envelope('invoice.payment_failed', {
    id: rid('in'),
    object: 'invoice',
    customer: o.customer,
    status: 'open',
    attempt_count: 1,
    parent: {
      type: 'subscription_details',
      subscription_details: {
        subscription: o.subscription,
        metadata: o.projectId === undefined ? {} : { projectId: o.projectId },
      },
    },
  });
}

export { rid as stripeId };
