import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Container } from '../container.js';
import { registerAuth } from './auth.js';
import { answerClientError } from './client-errors.js';
import { registerContentTypes } from './content-types.js';
import { registerEdges } from './edges.js';
import { errorBody, handleError } from './errors.js';
import { registerMetrics } from './metrics.js';
import { bindRequestContext } from './request-context.js';
import { automationRoutes } from './routes/agents.js';
import { authRoutes } from './routes/auth.js';
import { billingRoutes } from './routes/billing.js';
import { dataRoutes } from './routes/data-routes.js';
import { healthRoutes } from './routes/health.js';
import { projectRoutes } from './routes/projects.js';
import { webRoutes } from './routes/web.js';

export interface AppOptions {
  logger: Logger;
}

/** Builds the HTTP API on a container; nothing listens until the caller says so. */
export async function buildApp(c: Container, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: c.config.bodyLimit,
    trustProxy: c.config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 300 },
    // Router errors (a malformed URL, an overlong parameter) get the same envelope and request id
    // as the rest; they are answered before any hook runs.
    frameworkErrors: (err, request, reply) =>
      handleError(err, request, reply.header('x-request-id', request.id)),
    // Requests the HTTP parser refuses get the envelope too (answered on the socket).
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'debug';
    request.log[level](
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request',
    );
  });

  registerContentTypes(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fixloop API',
        version: '0.1.0',
        description: 'Feedback and bug reports in, clusters of real problems and draft pull requests out.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'a project API key or the admin key' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'fixloop_session',
            description:
              'the dashboard session from POST /auth/login; writes must come from a trusted Origin (PUBLIC_URL, ALLOWED_ORIGINS)',
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  // Observability: jobs queued by a request carry its id; HTTP latency; GET /metrics.
  bindRequestContext(app);
  registerMetrics(app, c);

  const limiter = await registerEdges(app, c);
  registerAuth(app, c, limiter);
  await app.register(healthRoutes(c));
  await app.register(authRoutes(c));
  await app.register(webRoutes(c.config.webDistDir));
  await app.register(projectRoutes(c));
  await app.register(billingRoutes(c));
  await app.register(automationRoutes(c));
  await app.register(dataRoutes(c, { scoped: false }));
  await app.register(dataRoutes(c, { scoped: true }), { prefix: '/projects/:projectId' });
  return app;
}
