import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { markDataRoutes } from '../auth.js';
import { agentRoutes } from './agents.js';
import { clusterRoutes } from './clusters.js';
import { feedbackRoutes } from './feedback.js';
import { ingestRoutes } from './ingest.js';
import { overviewRoutes } from './overview.js';

/** The project's data routes, mounted at the root (the caller's project) and under `/projects/{pid}`. */
export function dataRoutes(c: Container, opts: { scoped: boolean }): FastifyPluginAsyncZod {
  return async (app) => {
    markDataRoutes(app);
    await app.register(feedbackRoutes(c, opts.scoped));
    await app.register(ingestRoutes(c, opts.scoped));
    await app.register(clusterRoutes(c, opts.scoped));
    await app.register(overviewRoutes(c, opts.scoped));
    await app.register(agentRoutes(c, opts.scoped));
  };
}
