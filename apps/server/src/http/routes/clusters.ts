import {
  Cluster,
  ClusterDetail,
  ClusteringStatus,
  ClusterJob,
  ClusterListQuery,
  ClusterMap,
  ClusterMapQuery,
  ClusterPatch,
  Cursor,
  FeedbackIdsBody,
  HistoryEntry,
  Limit,
  MergeBody,
  pageOf,
} from '@fixloop/contracts';
import {
  actorOfUser,
  type ClusteringDeps,
  type ClusterRecord,
  clusterHistory,
  clusteringStatus,
  clusterMap,
  getClusterDetail,
  listClusters,
  mergeClusters,
  moveIntoCluster,
  notFound,
  patchCluster,
  requestClustering,
  resummarizeCluster,
  splitCluster,
} from '@fixloop/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, paramsOf } from '../route-kit.js';

const Id = z.string().min(1).max(200);

/** Who acts, for the cluster history: the key's id, the user's, or `admin`. */
export function actorOf(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  if (p.kind === 'admin') return 'admin';
  if (p.kind === 'user') return actorOfUser(p.userId);
  return p.kind === 'key' ? `key:${p.keyId}` : `internal:${p.scope}`;
}

export function clusterRoutes(c: Container, scoped: boolean): FastifyPluginAsyncZod {
  const deps = (request: FastifyRequest): ClusteringDeps => ({ ...c.clusteringDeps, log: request.log });
  const detail = (request: FastifyRequest, r: ClusterRecord) =>
    getClusterDetail(deps(request), request.projectId, r.id);
  const tags = ['clusters'];
  return async (app) => {
    app.post(
      '/cluster-jobs',
      {
        schema: {
          tags: ['clustering'],
          summary: 'Start a clustering run now (or answer the one pending or running)',
          params: paramsOf(scoped, {}),
          response: { 202: ClusterJob, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await requestClustering(deps(request), request.projectId, { delayMs: 0 })),
    );
    app.get(
      '/cluster-jobs',
      {
        schema: {
          tags: ['clustering'],
          params: paramsOf(scoped, {}),
          querystring: z.object({ cursor: Cursor.optional(), limit: Limit }),
          response: { 200: pageOf(ClusterJob), ...errors },
        },
      },
      async (request) => c.clusterJobs.list(request.projectId, request.query.limit, request.query.cursor),
    );
    app.get(
      '/cluster-jobs/:id',
      {
        schema: {
          tags: ['clustering'],
          params: paramsOf(scoped, { id: Id }),
          response: { 200: ClusterJob, ...errors },
        },
      },
      async (request) => {
        const job = await c.clusterJobs.get(request.projectId, request.params.id);
        if (!job) throw notFound('cluster job', request.params.id);
        return job;
      },
    );
    app.get(
      '/clustering/status',
      {
        schema: {
          tags: ['clustering'],
          params: paramsOf(scoped, {}),
          response: { 200: ClusteringStatus, ...errors },
        },
      },
      async (request) => clusteringStatus(deps(request), request.projectId),
    );
    app.get(
      '/clusters',
      {
        schema: {
          tags,
          summary: 'Clusters (size ≥ minSize, default 2; minSize=1&maxSize=1 is the outlier queue)',
          params: paramsOf(scoped, {}),
          querystring: ClusterListQuery,
          response: { 200: pageOf(Cluster), ...errors },
        },
      },
      async (request) => listClusters(deps(request), request.projectId, request.query),
    );
    app.get(
      '/clusters/map',
      {
        schema: {
          tags,
          summary: 'A 2-D map of the largest clusters: their centroids on the first two principal components',
          params: paramsOf(scoped, {}),
          querystring: ClusterMapQuery,
          response: { 200: ClusterMap, ...errors },
        },
      },
      async (request) => clusterMap(deps(request), request.projectId, request.query),
    );
    app.post(
      '/clusters/recluster',
      {
        schema: {
          tags,
          summary: 'Re-run clustering from scratch; cluster ids are kept by overlap',
          params: paramsOf(scoped, {}),
          response: { 202: ClusterJob, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await requestClustering(deps(request), request.projectId, { kind: 'recluster', delayMs: 0 })),
    );
    app.get(
      '/clusters/:id',
      { schema: { tags, params: paramsOf(scoped, { id: Id }), response: { 200: ClusterDetail, ...errors } } },
      async (request) => getClusterDetail(deps(request), request.projectId, request.params.id),
    );
    app.patch(
      '/clusters/:id',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: Id }),
          body: ClusterPatch,
          response: { 200: ClusterDetail, ...errors },
        },
      },
      async (request) =>
        detail(
          request,
          await patchCluster(
            deps(request),
            request.projectId,
            request.params.id,
            request.body,
            actorOf(request),
          ),
        ),
    );
    app.post(
      '/clusters/:id/merge',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: Id }),
          body: MergeBody,
          response: { 200: ClusterDetail, ...errors },
        },
      },
      async (request) =>
        detail(
          request,
          await mergeClusters(
            deps(request),
            request.projectId,
            request.params.id,
            request.body.clusterIds,
            actorOf(request),
          ),
        ),
    );
    app.post(
      '/clusters/:id/split',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: Id }),
          body: FeedbackIdsBody,
          response: { 201: ClusterDetail, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await detail(
              request,
              await splitCluster(
                deps(request),
                request.projectId,
                request.params.id,
                request.body.feedbackIds,
                actorOf(request),
              ),
            ),
          ),
    );
    app.post(
      '/clusters/:id/move',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: Id }),
          body: FeedbackIdsBody,
          response: { 200: ClusterDetail, ...errors },
        },
      },
      async (request) =>
        detail(
          request,
          await moveIntoCluster(
            deps(request),
            request.projectId,
            request.params.id,
            request.body.feedbackIds,
            actorOf(request),
          ),
        ),
    );
    app.post(
      '/clusters/:id/summarize',
      {
        schema: {
          tags,
          summary: 'Regenerate the title and summary now (human-written ones stay unless replaceHumanEdits)',
          params: paramsOf(scoped, { id: Id }),
          body: z.object({ replaceHumanEdits: z.boolean().default(false) }).nullish(),
          response: { 200: ClusterDetail, ...errors },
        },
      },
      async (request) =>
        detail(
          request,
          await resummarizeCluster(
            deps(request),
            request.projectId,
            request.params.id,
            { replaceHumanEdits: request.body?.replaceHumanEdits ?? false },
            actorOf(request),
          ),
        ),
    );
    app.get(
      '/clusters/:id/history',
      {
        schema: {
          tags,
          params: paramsOf(scoped, { id: Id }),
          response: { 200: pageOf(HistoryEntry), ...errors },
        },
      },
      async (request) => ({
        items: await clusterHistory(deps(request), request.projectId, request.params.id),
      }),
    );
  };
}
