import {
  FeedbackInput,
  FeedbackItem,
  FeedbackListQuery,
  FeedbackUpdate,
  ImportResult,
  IngestResult,
  pageOf,
} from '@fixloop/contracts';
import {
  deleteFeedback,
  type FeedbackDeps,
  getFeedback,
  importFeedback,
  ingestFeedback,
  listFeedback,
  loadSampleReports,
  updateFeedback,
} from '@fixloop/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, NoContent, paramsOf } from '../route-kit.js';
import { readImportRows } from './import-body.js';

const FeedbackId = z.string().min(1).max(200);

export function feedbackRoutes(c: Container, scoped: boolean): FastifyPluginAsyncZod {
  // Verbs log through the request's logger, so every line carries the request id.
  const deps = (request: FastifyRequest): FeedbackDeps => ({ ...c.feedbackDeps, log: request.log });
  const tags = ['feedback'];
  return async (app) => {
    app.post(
      '/feedback',
      {
        schema: {
          tags,
          summary: 'Submit one report by hand or through the API',
          params: paramsOf(scoped, {}),
          body: FeedbackInput,
          response: { 200: IngestResult, 201: IngestResult, ...errors },
        },
      },
      async (request, reply) => {
        const { item, duplicate } = await ingestFeedback(deps(request), request.projectId, request.body);
        return reply.status(duplicate ? 200 : 201).send({ ...item, duplicate });
      },
    );

    app.get(
      '/feedback',
      {
        schema: {
          tags,
          summary: 'List reports, newest first',
          params: paramsOf(scoped, {}),
          querystring: FeedbackListQuery,
          response: { 200: pageOf(FeedbackItem), ...errors },
        },
      },
      async (request) => listFeedback(deps(request), request.projectId, request.query),
    );

    app.get(
      '/feedback/:id',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: FeedbackId }),
          response: { 200: FeedbackItem, ...errors },
        },
      },
      async (request) => getFeedback(deps(request), request.projectId, request.params.id),
    );

    app.put(
      '/feedback/:id',
      {
        schema: {
          tags,
          summary: 'Edit a report; a text change sends it back to clustering',
          params: paramsOf(scoped, { id: FeedbackId }),
          body: FeedbackUpdate,
          response: { 200: FeedbackItem, ...errors },
        },
      },
      async (request) => updateFeedback(deps(request), request.projectId, request.params.id, request.body),
    );

    app.delete(
      '/feedback/:id',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: FeedbackId }),
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await deleteFeedback(deps(request), request.projectId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    // Onboarding acts on one project by name, like the other project settings: only under /projects/{pid}.
    if (scoped) {
      app.post(
        '/feedback/sample',
        {
          schema: {
            tags,
            summary: 'Load the bundled sample reports (about 40, six problems) to try Fixloop; idempotent',
            params: paramsOf(scoped, {}),
            response: { 200: ImportResult, ...errors },
          },
        },
        async (request) => loadSampleReports(deps(request), request.projectId, c.projectDeps.now()),
      );
    }

    await app.register(async (scope) => {
      // NDJSON is streamed line by line; only this route accepts it.
      scope.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));
      scope.post(
        '/feedback/import',
        {
          bodyLimit: c.config.importBodyLimit,
          schema: {
            tags,
            summary: 'Bulk import: a JSON array (or {items}) or NDJSON, up to 10,000 reports',
            params: paramsOf(scoped, {}),
            body: z.unknown().meta({
              description:
                'application/json: an array of reports (or {"items": [...]}); application/x-ndjson: one report per line',
            }),
            response: { 200: ImportResult, ...errors },
          },
        },
        async (request) => {
          const rows = await readImportRows(request.body, c.config.importBodyLimit);
          return importFeedback(deps(request), request.projectId, rows);
        },
      );
    });
  };
}
