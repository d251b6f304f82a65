import { ErrorBody } from '@fixloop/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBody } from '../errors.js';

export function healthRoutes(c: Container): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { auth: 'public', unmetered: true },
        schema: { tags: ['health'], security: [], response: { 200: z.object({ ok: z.literal(true) }) } },
      },
      async () => ({ ok: true as const }),
    );
    app.get(
      '/readyz',
      {
        config: { auth: 'public', unmetered: true },
        schema: {
          tags: ['health'],
          security: [],
          response: { 200: z.object({ ok: z.literal(true), redis: z.literal('up') }), 503: ErrorBody },
        },
      },
      async (_request, reply) => {
        try {
          await Promise.race([
            c.redis.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
          ]);
          return { ok: true as const, redis: 'up' as const };
        } catch {
          return reply.status(503).send(errorBody('upstream_unavailable', 'Redis is not reachable'));
        }
      },
    );
    app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
      app.swagger(),
    );
  };
}
