import type { PaidPlanId, PlanId } from '@fixloop/contracts';
import type { Logger, ProjectStore } from '../ports.js';
import type { BillingSettings } from './plans.js';

/** A project's plan and what Stripe last said about its subscription. */
export interface BillingRecord {
  plan: PlanId;
  customerId?: string;
  subscriptionId?: string;
  /** Stripe's subscription status (`active`, `past_due`, `canceled`, …). */
  status?: string;
  priceId?: string;
  currentPeriodEnd?: string;
  paymentFailedAt?: string;
}

/** Fields to set; `null` removes one. */
export type BillingPatch = { [K in keyof BillingRecord]?: BillingRecord[K] | null };

export interface BillingStore {
  /** The project's record; `free` with nothing else when it never had a subscription. */
  get(projectId: string): Promise<BillingRecord>;
  /**
   * Applies what an event created at `eventAt` (seconds) says, unless an event created later was
   * applied already (Stripe does not deliver in order). Answers whether it applied.
   */
  apply(projectId: string, patch: BillingPatch, eventAt: number): Promise<boolean>;
  linkCustomer(customerId: string, projectId: string): Promise<void>;
  /** Drops the customer → project link if it still names this project (a deleted project). */
  unlinkCustomer(customerId: string, projectId: string): Promise<void>;
  projectOfCustomer(customerId: string): Promise<string | null>;
  /** Marks an event id as being processed: `claimed`, or it is `done` already, or `busy` elsewhere. */
  claimEvent(eventId: string): Promise<'claimed' | 'done' | 'busy'>;
  finishEvent(eventId: string): Promise<void>;
  /** Forgets a claim whose processing failed, so Stripe's next delivery is processed. */
  dropClaim(eventId: string): Promise<void>;
}

/** This month's counts and the held reports. */
export interface UsageStore {
  monthly(projectId: string, month: string): Promise<{ feedback: number; agentRuns: number; held: number }>;
  /**
   * Lets up to `max` of the oldest held reports into clustering, as far as the month's allowance of
   * the project's plan has room; they count against `month`.
   */
  releaseHeld(
    projectId: string,
    month: string,
    max: number,
  ): Promise<{ released: number; remaining: number }>;
}

/** Counts a project's members (the users module's store). */
export interface MemberCounter {
  count(projectId: string): Promise<number>;
}

/** What a payment provider's webhook said, validated and reduced to what billing needs. */
export type BillingEvent = { id: string; created: number } & (
  | {
      kind: 'checkout_completed';
      projectId?: string;
      customerId?: string;
      subscriptionId?: string;
      /** The plan the session was opened for (its metadata). */
      plan?: string;
      /** Paid (or nothing to pay): the plan applies now. */
      paid: boolean;
    }
  | {
      kind: 'subscription';
      deleted: boolean;
      projectId?: string;
      customerId?: string;
      subscriptionId: string;
      status: string;
      priceId?: string;
      currentPeriodEnd?: string;
    }
  | { kind: 'payment_failed'; projectId?: string; customerId?: string; subscriptionId?: string }
  | { kind: 'other'; type: string }
);

/** Stripe, behind a port: Checkout, the Billing Portal and signed webhooks. */
export interface PaymentProvider {
  createCheckout(params: {
    projectId: string;
    plan: PaidPlanId;
    priceId: string;
    customerId?: string;
    successUrl: string;
    cancelUrl: string;
  }): Promise<{ id: string; url: string }>;
  createPortal(params: { customerId: string; returnUrl: string }): Promise<{ id: string; url: string }>;
  /** Verifies the signature over the exact bytes and reads the event; a bad one throws `bad_request`. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): BillingEvent;
}

export interface BillingDeps {
  billing: BillingStore;
  usage: UsageStore;
  members: MemberCounter;
  /** Null when billing is off. */
  payments: PaymentProvider | null;
  projects: ProjectStore;
  settings: BillingSettings;
  /** Called after held reports went back to clustering (clustering scheduling hooks in here). */
  onReleased: (projectId: string) => Promise<void>;
  log: Logger;
  now: () => Date;
}
