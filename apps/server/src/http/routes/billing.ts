import {
  BillingRedirect,
  CheckoutRequest,
  ErrorBody,
  ProjectId,
  StripeWebhookAck,
  Usage,
} from '@fixloop/contracts';
import {
  type BillingDeps,
  getUsage,
  handleStripeWebhook,
  openBillingPortal,
  startCheckout,
} from '@fixloop/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors } from '../route-kit.js';

const Pid = z.object({ projectId: ProjectId });

/** Usage, Stripe Checkout and the Billing Portal per project; Stripe's webhook at the root. */
export function billingRoutes(c: Container): FastifyPluginAsyncZod {
  const deps = (request: FastifyRequest): BillingDeps => ({ ...c.billingDeps, log: request.log });
  const tags = ['billing'];
  return async (app) => {
    app.get(
      '/projects/:projectId/usage',
      {
        schema: {
          tags,
          summary: "This month's counts against the project's plan, and the reports held past its limit",
          params: Pid,
          response: { 200: Usage, ...errors },
        },
      },
      async (request) => getUsage(deps(request), request.projectId),
    );

    app.post(
      '/projects/:projectId/billing/checkout',
      {
        schema: {
          tags,
          summary: 'Open a Stripe Checkout session for a paid plan; send the browser to its url',
          params: Pid,
          body: CheckoutRequest,
          response: { 200: BillingRedirect, 409: ErrorBody, 502: ErrorBody, ...errors },
        },
      },
      async (request) => startCheckout(deps(request), request.projectId, request.body.plan),
    );

    app.post(
      '/projects/:projectId/billing/portal',
      {
        schema: {
          tags,
          summary: "Open the Stripe Billing Portal for the project's customer (409 when it has none)",
          params: Pid,
          response: { 200: BillingRedirect, 409: ErrorBody, 502: ErrorBody, ...errors },
        },
      },
      async (request) => openBillingPortal(deps(request), request.projectId),
    );

    // The signature covers the exact bytes: this route alone takes its body raw, unparsed.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.post(
        '/billing/stripe/webhook',
        {
          config: { auth: 'public' },
          schema: {
            tags,
            summary:
              'Stripe webhook: signed with STRIPE_WEBHOOK_SECRET (Stripe-Signature); applied once per event id',
            security: [],
            body: z.unknown().meta({ description: "Stripe's event, verified over the raw bytes" }),
            response: { 200: StripeWebhookAck, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
          },
        },
        async (request) => {
          const signature = request.headers['stripe-signature'];
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          return handleStripeWebhook(
            deps(request),
            raw,
            typeof signature === 'string' ? signature : undefined,
          );
        },
      );
    });
  };
}
