import {
  ApiKeyInfo,
  CreateApiKeyBody,
  CreatedApiKey,
  CreatedProject,
  CreateProjectBody,
  Project,
  ProjectId,
  ProjectUpdate,
  pageOf,
  RepositoryCheck,
  RepositoryCheckBody,
  RepositorySettings,
  SecretsUpdate,
} from '@fixloop/contracts';
import {
  assertCloneUrlAllowed,
  checkRepository,
  createApiKey,
  createProject,
  getProject,
  getRepository,
  listApiKeys,
  listProjects,
  renameProject,
  revokeApiKey,
  setRepository,
  setSecrets,
} from '@fixloop/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, NoContent } from '../route-kit.js';

const Pid = z.object({ projectId: ProjectId });

/** Projects and their settings: only under `/projects/{pid}`. */
export function projectRoutes(c: Container): FastifyPluginAsyncZod {
  const deps = c.projectDeps;
  return async (app) => {
    const tags = ['projects'];
    app.post(
      '/projects',
      {
        config: { auth: 'admin' },
        schema: { tags, body: CreateProjectBody, response: { 201: CreatedProject, ...errors } },
      },
      async (request, reply) => reply.status(201).send(await createProject(deps, request.body.name)),
    );
    app.get(
      '/projects',
      { schema: { tags, response: { 200: pageOf(Project), ...errors } } },
      async (request) => {
        const p = request.principal;
        return { items: await listProjects(deps, p?.kind === 'admin' ? undefined : request.projectId) };
      },
    );
    app.get(
      '/projects/:projectId',
      { schema: { tags, params: Pid, response: { 200: Project, ...errors } } },
      async (request) => getProject(deps, request.projectId),
    );
    app.patch(
      '/projects/:projectId',
      {
        schema: {
          tags,
          summary: 'Rename a project (its id, keys and data stay)',
          params: Pid,
          body: ProjectUpdate,
          response: { 200: Project, ...errors },
        },
      },
      async (request) => renameProject(deps, request.projectId, request.body.name),
    );
    app.get(
      '/projects/:projectId/repository',
      { schema: { tags, params: Pid, response: { 200: RepositorySettings, ...errors } } },
      async (request) => getRepository(deps, request.projectId),
    );
    app.put(
      '/projects/:projectId/repository',
      {
        schema: {
          tags,
          params: Pid,
          body: RepositorySettings,
          response: { 200: RepositorySettings, ...errors },
        },
      },
      async (request) => {
        assertCloneUrlAllowed(request.body, c.config.agents.allowLocalRepositories);
        return setRepository(deps, request.projectId, request.body);
      },
    );
    app.post(
      '/projects/:projectId/repository/check',
      {
        schema: {
          tags,
          summary: 'Ask GitHub now whether a token can see (and push to) a repository; nothing is stored',
          params: Pid,
          body: RepositoryCheckBody,
          response: { 200: RepositoryCheck, 502: errors[400], ...errors },
        },
      },
      async (request) =>
        checkRepository(
          { ...deps, tracker: c.tracker, log: request.log, serverToken: c.config.github.token },
          request.projectId,
          request.body,
        ),
    );
    app.put(
      '/projects/:projectId/secrets',
      { schema: { tags, params: Pid, body: SecretsUpdate, response: { 204: NoContent, ...errors } } },
      async (request, reply) => {
        await setSecrets(deps, request.projectId, request.body);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/projects/:projectId/api-keys',
      { schema: { tags, params: Pid, response: { 200: pageOf(ApiKeyInfo), ...errors } } },
      async (request) => ({ items: await listApiKeys(deps, request.projectId) }),
    );
    app.post(
      '/projects/:projectId/api-keys',
      {
        schema: {
          tags,
          params: Pid,
          body: CreateApiKeyBody.nullish(),
          response: { 201: CreatedApiKey, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createApiKey(deps, request.projectId, request.body?.name ?? 'api key')),
    );
    app.delete(
      '/projects/:projectId/api-keys/:keyId',
      {
        schema: {
          tags,
          params: Pid.extend({ keyId: z.string().min(1).max(100) }),
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await revokeApiKey(deps, request.projectId, request.params.keyId);
        return reply.status(204).send(null);
      },
    );
  };
}
