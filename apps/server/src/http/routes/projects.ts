import {
  AddMemberBody,
  ApiKeyInfo,
  CreateApiKeyBody,
  CreatedApiKey,
  CreatedProject,
  CreateProjectBody,
  DeleteProjectBody,
  Member,
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
  addMember,
  assertCloneUrlAllowed,
  assertMemberAllowed,
  checkRepository,
  createApiKey,
  createProject,
  DomainError,
  deleteProject,
  getProject,
  getRepository,
  listApiKeys,
  listMembers,
  projectsVisibleTo,
  removeMember,
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

/**
 * Projects and their settings: only under `/projects/{pid}`. Access is declared per route and
 * enforced by the auth hook: reads need `read`; writes here manage the project (`manage`: owners,
 * `admin`-scoped keys, the admin key).
 */
export function projectRoutes(c: Container): FastifyPluginAsyncZod {
  const deps = c.projectDeps;
  const members = {
    projects: c.projects,
    users: c.users,
    members: c.members,
    now: deps.now,
    assertCanAdd: (projectId: string) => assertMemberAllowed(c.billingDeps, projectId),
  };
  return async (app) => {
    const tags = ['projects'];
    app.post(
      '/projects',
      {
        config: { auth: 'account' },
        schema: {
          tags,
          summary:
            'Create a project (admin key, or a signed-in user who becomes its owner); its first key is shown once',
          body: CreateProjectBody,
          response: { 201: CreatedProject, ...errors },
        },
      },
      async (request, reply) => {
        const p = request.principal;
        const ownerUserId = p?.kind === 'user' ? p.userId : undefined;
        const created = await createProject({ ...deps, members: c.members }, request.body.name, {
          ...(ownerUserId === undefined ? {} : { ownerUserId }),
        });
        if (created.apiKey === undefined) throw new Error('createProject made no key');
        return reply.status(201).send({ project: created.project, apiKey: created.apiKey });
      },
    );
    app.get(
      '/projects',
      {
        config: { auth: 'signed-in' },
        schema: {
          tags,
          summary: "The projects the caller reaches: all (admin), a key's own, a user's memberships",
          response: { 200: pageOf(Project), ...errors },
        },
      },
      async (request) => {
        const p = request.principal;
        if (!p || p.kind === 'internal')
          throw new DomainError('forbidden', 'this credential cannot list projects');
        return { items: await projectsVisibleTo(members, p) };
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
    app.delete(
      '/projects/:projectId',
      {
        schema: {
          tags,
          summary:
            'Delete a project and everything it holds: its data, keys, their sessions, memberships (confirm with its name; 422 otherwise)',
          params: Pid,
          body: DeleteProjectBody,
          response: { 204: NoContent, 409: errors[400], ...errors },
        },
      },
      async (request, reply) => {
        await deleteProject(
          {
            ...deps,
            members: c.members,
            sessions: c.sessionDeps.sessions,
            scheduler: c.scheduler,
            forgetGlobal: async (projectId) => {
              const { customerId } = await c.billingDeps.billing.get(projectId);
              if (customerId) await c.billingDeps.billing.unlinkCustomer(customerId, projectId);
            },
          },
          request.projectId,
          request.body.confirm,
        );
        return reply.status(204).send(null);
      },
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
        assertCloneUrlAllowed(request.body, {
          allowLocal: c.config.agents.allowLocalRepositories,
          allowPrivate: c.config.edges.allowPrivateUrls,
        });
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
      {
        config: { access: 'manage' },
        schema: { tags, params: Pid, response: { 200: pageOf(ApiKeyInfo), ...errors } },
      },
      async (request) => ({ items: await listApiKeys(deps, request.projectId) }),
    );
    app.post(
      '/projects/:projectId/api-keys',
      {
        schema: {
          tags,
          summary: 'Make a key (shown once); `scopes` default to ["admin"]',
          params: Pid,
          body: CreateApiKeyBody.nullish(),
          response: { 201: CreatedApiKey, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await createApiKey(
              deps,
              request.projectId,
              request.body?.name ?? 'api key',
              request.body?.scopes,
            ),
          ),
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
    app.get(
      '/projects/:projectId/members',
      {
        schema: {
          tags,
          summary: "The project's members and their roles",
          params: Pid,
          response: { 200: pageOf(Member), ...errors },
        },
      },
      async (request) => ({ items: await listMembers(members, request.projectId) }),
    );
    app.post(
      '/projects/:projectId/members',
      {
        schema: {
          tags,
          summary: 'Add someone who has signed up (404 otherwise), or change their role; owners only',
          params: Pid,
          body: AddMemberBody,
          response: { 200: Member, 409: errors[400], ...errors },
        },
      },
      async (request) => addMember(members, request.projectId, request.body),
    );
    app.delete(
      '/projects/:projectId/members/:userId',
      {
        schema: {
          tags,
          summary: 'Remove a member (409 for the last owner); owners only',
          params: Pid.extend({ userId: z.string().min(1).max(100) }),
          response: { 204: NoContent, 409: errors[400], ...errors },
        },
      },
      async (request, reply) => {
        await removeMember(members, request.projectId, request.params.userId);
        return reply.status(204).send(null);
      },
    );
  };
}
