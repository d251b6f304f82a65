import type { FastifyInstance } from 'fastify';
import { runWithRequestId } from '../infra/request-context.js';

/**
 * Runs every handler as work of its request, so jobs it queues carry the request's id. Bound in
 * `preHandler`: the body has been read by then (stream events would not keep the context).
 */
export function bindRequestContext(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => runWithRequestId(request.id, () => done()));
}
