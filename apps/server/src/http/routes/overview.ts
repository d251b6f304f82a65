import { Overview } from '@fixloop/contracts';
import { projectOverview } from '@fixloop/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { errors, paramsOf } from '../route-kit.js';

/** The dashboard's overview page in one request. */
export function overviewRoutes(c: Container, scoped: boolean): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/overview',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            'Reports per source, clustering status, top clusters, recent jobs, 30 days of reports per source',
          params: paramsOf(scoped, {}),
          response: { 200: Overview, ...errors },
        },
      },
      async (request) => projectOverview({ ...c.clusteringDeps, log: request.log }, request.projectId),
    );
  };
}
