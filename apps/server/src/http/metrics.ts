import { ErrorBody } from '@fixloop/contracts';
import { DomainError } from '@fixloop/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../container.js';
import { METRICS_REFUSAL, metricsAccess } from '../metrics/metrics-access.js';

/**
 * Times every request by method, route template (never the raw URL) and status class, and serves
 * `GET /metrics` to the metrics token or the admin key. Registered before the routes, so the hook
 * covers them all.
 */
export function registerMetrics(app: FastifyInstance, c: Container): void {
  app.addHook('onResponse', async (request, reply) => {
    c.metrics.httpRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    {
      // Not a project route: the route checks its own credential.
      config: { auth: 'public' },
      onRequest: async (request) => {
        const access = await metricsAccess(
          { token: c.config.metrics.token, apiKeys: c.apiKeys },
          request.headers.authorization,
        );
        if (access !== 'allowed') throw new DomainError(access, METRICS_REFUSAL[access]);
      },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics of this process (Bearer METRICS_TOKEN or the admin key)',
        security: [{ apiKey: [] }],
        response: {
          200: {
            description: 'the Prometheus text exposition format (version 0.0.4)',
            content: { 'text/plain': { schema: z.string() } },
          },
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await c.metrics.render();
      return reply.type(contentType).header('cache-control', 'no-store').send(body);
    },
  );
}
