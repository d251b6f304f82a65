import { FeedbackInput, GithubIssuesEvent } from '@fixloop/contracts';
import { z } from 'zod';
import type { Schema } from './json-schema.js';
import { Ref } from './values.js';

const project = { const: new Ref('project') };
const epoch = { type: 'integer', minimum: 1_700_000_000, maximum: 2_100_000_000 };

/** A Stripe event of the kinds billing handles, about the fixture project (abridged, as Stripe sends them). */
const STRIPE_EVENT: Schema = {
  type: 'object',
  required: ['id', 'object', 'type', 'created', 'data'],
  properties: {
    id: { type: 'string', pattern: '^evt_[A-Za-z0-9]{8,20}$' },
    object: { const: 'event' },
    created: epoch,
    type: {
      enum: [
        'checkout.session.completed',
        'customer.subscription.created',
        'customer.subscription.updated',
        'customer.subscription.deleted',
        'invoice.payment_failed',
        'invoice.paid',
      ],
    },
    data: {
      type: 'object',
      required: ['object'],
      properties: {
        object: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^(cs|sub|in)_[a-z0-9]{6,12}$' },
            object: { enum: ['checkout.session', 'subscription', 'invoice'] },
            customer: { type: 'string', pattern: '^cus_[a-z0-9]{2,4}$' },
            subscription: { type: 'string', pattern: '^sub_[a-z0-9]{2,4}$' },
            client_reference_id: project,
            mode: { const: 'subscription' },
            status: { enum: ['active', 'trialing', 'past_due', 'canceled', 'complete', 'open'] },
            payment_status: { enum: ['paid', 'unpaid'] },
            metadata: {
              type: 'object',
              properties: { projectId: project, plan: { enum: ['pro', 'team', 'gold'] } },
            },
            items: {
              type: 'object',
              properties: {
                data: {
                  type: 'array',
                  maxItems: 2,
                  items: {
                    type: 'object',
                    properties: {
                      current_period_end: epoch,
                      price: {
                        type: 'object',
                        properties: { id: { enum: ['price_pro_fuzz', 'price_team_fuzz', 'price_x'] } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Body schemas the document leaves open (`z.unknown()` routes that read their body themselves). */
export function openBodies(feedback: Schema | undefined): Record<string, Schema> {
  const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Schema;
  const item = feedback ?? toSchema(FeedbackInput);
  return {
    '/feedback/import': { type: 'array', items: item, minItems: 0, maxItems: 5 },
    '/ingest/github/webhook': toSchema(GithubIssuesEvent),
    '/billing/stripe/webhook': STRIPE_EVENT,
  };
}
