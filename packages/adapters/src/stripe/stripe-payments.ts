import type { PaidPlanId } from '@fixloop/contracts';
import { type BillingEvent, DomainError, type PaymentProvider } from '@fixloop/domain';
import Stripe from 'stripe';
import { httpFailure, malformedAnswer, networkFailure } from '../http/upstream-failure.js';
import { toBillingEvent } from './stripe-events.js';

export interface StripePaymentsOptions {
  secretKey: string;
  webhookSecret: string;
  /** Overrides Stripe's API base (`STRIPE_API_URL`): a local stand-in in tests, a proxy in production. */
  apiUrl?: string | undefined;
  timeoutMs?: number;
}

const LABEL = 'Stripe';

/** Checkout, the Billing Portal and signed webhooks through Stripe's official SDK. */
export class StripePayments implements PaymentProvider {
  private readonly stripe: Stripe;

  constructor(private readonly opts: StripePaymentsOptions) {
    const config: Stripe.StripeConfig = {
      maxNetworkRetries: 2,
      timeout: opts.timeoutMs ?? 20_000,
      telemetry: false,
    };
    if (opts.apiUrl !== undefined) {
      const u = new URL(opts.apiUrl);
      config.protocol = u.protocol === 'http:' ? 'http' : 'https';
      config.host = u.hostname;
      config.port = u.port || (u.protocol === 'http:' ? 80 : 443);
    }
    this.stripe = new Stripe(opts.secretKey, config);
  }

  async createCheckout(params: {
    projectId: string;
    plan: PaidPlanId;
    priceId: string;
    customerId?: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<{ id: string; url: string }> {
    const metadata = { projectId: params.projectId, plan: params.plan };
    const session = await this.call('checkout', () =>
      this.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: params.priceId, quantity: 1 }],
        success_url: params.successUrl,
        cancel_url: params.cancelUrl,
        client_reference_id: params.projectId,
        metadata,
        subscription_data: { metadata },
        ...(params.customerId === undefined ? {} : { customer: params.customerId }),
      }),
    );
    if (typeof session.id !== 'string' || typeof session.url !== 'string') {
      throw malformedAnswer('stripe', `${LABEL} Checkout`, 'a session without id or url');
    }
    return { id: session.id, url: session.url };
  }

  async createPortal(params: {
    customerId: string;
    returnUrl: string;
  }): Promise<{ id: string; url: string }> {
    const session = await this.call('billing portal', () =>
      this.stripe.billingPortal.sessions.create({
        customer: params.customerId,
        return_url: params.returnUrl,
      }),
    );
    if (typeof session.id !== 'string' || typeof session.url !== 'string') {
      throw malformedAnswer('stripe', `${LABEL} billing portal`, 'a session without id or url');
    }
    return { id: session.id, url: session.url };
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): BillingEvent {
    if (signature === undefined || signature === '') {
      throw new DomainError('bad_request', 'missing Stripe-Signature header');
    }
    let event: unknown;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.opts.webhookSecret);
    } catch {
      throw new DomainError(
        'bad_request',
        'invalid Stripe-Signature: not signed with this endpoint’s secret, too old, or not JSON',
      );
    }
    return toBillingEvent(event);
  }

  /** Runs an SDK call; its failures become upstream errors that say whether a retry may help. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeConnectionError) {
        throw networkFailure('stripe', `${LABEL} ${what}`, err);
      }
      if (err instanceof Stripe.errors.StripeError && typeof err.statusCode === 'number') {
        throw httpFailure(
          'stripe',
          `${LABEL} ${what}`,
          err.statusCode,
          undefined,
          err.message,
          this.opts.secretKey,
        );
      }
      throw err;
    }
  }
}
