import { verifyGithubSignature, verifyHexHmac } from '@fixloop/adapters';
import {
  GithubIssuesEvent,
  GithubRepoParams,
  GithubRepoSync,
  GithubSyncResult,
  IngestResult,
  pageOf,
  RedditIngestBody,
  RedditPollResult,
  SentryWebhookBody,
  SubredditsConfig,
  WebhookAck,
} from '@fixloop/contracts';
import {
  DomainError,
  type FeedbackDeps,
  getSecret,
  getSubreddits,
  ingestFeedback,
  listSyncedRepos,
  normalizeGithubIssue,
  normalizeRedditPost,
  normalizeSentryWebhook,
  requestRedditPoll,
  setSubreddits,
  syncGithubRepo,
  trackerIssueFromPayload,
  upsertFeedback,
} from '@fixloop/domain';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, paramsOf } from '../route-kit.js';
import { header, verifyWebhook } from '../webhook-auth.js';

const Ingested = { 200: IngestResult, 201: IngestResult };

/** Source-specific ingest routes: each normalizes, then makes the same store call. */
export function ingestRoutes(c: Container, scoped: boolean): FastifyPluginAsyncZod {
  // Verbs log through the request's logger, so every line carries the request id.
  const deps = (request: FastifyRequest): FeedbackDeps => ({ ...c.feedbackDeps, log: request.log });
  return async (app) => {
    app.post(
      '/ingest/reddit',
      {
        config: { internalScope: 'ingest:reddit' },
        schema: {
          tags: ['ingest'],
          summary: 'A Reddit post: raw (`{kind: "t3", data}`) or normalized',
          params: paramsOf(scoped, {}),
          body: RedditIngestBody,
          response: { ...Ingested, ...errors },
        },
      },
      async (request, reply) => {
        const { item, duplicate } = await ingestFeedback(
          deps(request),
          request.projectId,
          normalizeRedditPost(request.body),
        );
        return reply.status(duplicate ? 200 : 201).send({ ...item, duplicate });
      },
    );

    app.post(
      '/ingest/reddit/poll',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Poll the configured subreddits now',
          params: paramsOf(scoped, {}),
          response: { 202: RedditPollResult, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(202).send({ subreddits: await requestRedditPoll(c.subredditDeps, request.projectId) }),
    );

    app.post(
      '/ingest/sentry',
      {
        config: { auth: 'webhook' },
        preValidation: async (request) =>
          verifyWebhook(c, request, 'sentryWebhookSecret', c.config.sentry.webhookSecret, (secret, raw) =>
            verifyHexHmac(secret, raw, header(request, 'sentry-hook-signature')),
          ),
        schema: {
          tags: ['ingest'],
          summary: 'Sentry integration webhook (event_alert, error and issue resources)',
          params: paramsOf(scoped, {}),
          body: SentryWebhookBody,
          response: { ...Ingested, 202: WebhookAck, ...errors },
        },
      },
      async (request, reply) => {
        const action = normalizeSentryWebhook(header(request, 'sentry-hook-resource') ?? '', request.body);
        switch (action.kind) {
          case 'ignore':
            return reply.status(202).send({ ok: true as const, ignored: action.reason });
          case 'add': {
            const { item, duplicate } = await ingestFeedback(deps(request), request.projectId, action.item);
            return reply.status(duplicate ? 200 : 201).send({ ...item, duplicate });
          }
          case 'upsert': {
            const { item, outcome } = await upsertFeedback(deps(request), request.projectId, action.item);
            return reply
              .status(outcome === 'created' ? 201 : 200)
              .send({ ...item, duplicate: outcome !== 'created' });
          }
        }
      },
    );

    app.post(
      '/ingest/github/webhook',
      {
        config: { auth: 'webhook' },
        preValidation: async (request) =>
          verifyWebhook(c, request, 'githubWebhookSecret', c.config.github.webhookSecret, (secret, raw) =>
            verifyGithubSignature(secret, raw, header(request, 'x-hub-signature-256')),
          ),
        schema: {
          tags: ['ingest'],
          summary: 'GitHub webhook: `issues` events are stored, `ping` answers 200',
          params: paramsOf(scoped, {}),
          body: z.unknown(),
          response: { ...Ingested, 200: z.union([IngestResult, WebhookAck]), 202: WebhookAck, ...errors },
        },
      },
      async (request, reply) => {
        const event = header(request, 'x-github-event') ?? '';
        if (event === 'ping') return reply.status(200).send({ ok: true as const, ignored: 'ping' });
        if (event !== 'issues')
          return reply.status(202).send({ ok: true as const, ignored: event || 'no event header' });
        const parsed = GithubIssuesEvent.safeParse(request.body);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({
            path: ['body', ...i.path].join('.'),
            message: i.message,
          }));
          throw new DomainError('validation_failed', `${issues[0]?.path}: ${issues[0]?.message}`, { issues });
        }
        const { issue, repository } = parsed.data;
        if (issue.pull_request !== undefined)
          return reply.status(202).send({ ok: true as const, ignored: 'pull request' });
        const item = normalizeGithubIssue(
          repository.owner.login,
          repository.name,
          trackerIssueFromPayload(issue),
        );
        // A deleted issue is kept as a closed report: its text remains evidence.
        if (parsed.data.action === 'deleted') item.status = 'closed';
        const { item: stored, outcome } = await upsertFeedback(deps(request), request.projectId, item);
        return reply
          .status(outcome === 'created' ? 201 : 200)
          .send({ ...stored, duplicate: outcome !== 'created' });
      },
    );

    app.post(
      '/ingest/github/sync/:owner/:repo',
      {
        schema: {
          tags: ['ingest'],
          summary: "Pull a repository's issues (incremental)",
          params: scoped ? GithubRepoParams.extend({ projectId: z.string() }) : GithubRepoParams,
          response: { 200: GithubSyncResult, 502: errors[400], ...errors },
        },
      },
      async (request) => {
        const token =
          (await getSecret(c.projectDeps, request.projectId, 'githubToken')) ?? c.config.github.token;
        return syncGithubRepo(
          c.githubDeps,
          request.projectId,
          request.params.owner,
          request.params.repo,
          token,
        );
      },
    );

    app.get(
      '/ingest/github/repos',
      {
        schema: {
          tags: ['ingest'],
          summary: 'The repositories this project synced, with the counts of each last sync',
          params: paramsOf(scoped, {}),
          response: { 200: pageOf(GithubRepoSync), ...errors },
        },
      },
      async (request) => ({ items: await listSyncedRepos(c.githubDeps, request.projectId) }),
    );

    app.get(
      '/config/reddit/subreddits',
      {
        schema: {
          tags: ['config'],
          params: paramsOf(scoped, {}),
          response: { 200: SubredditsConfig, ...errors },
        },
      },
      async (request) => ({ subreddits: await getSubreddits(c.subredditDeps, request.projectId) }),
    );

    app.put(
      '/config/reddit/subreddits',
      {
        schema: {
          tags: ['config'],
          params: paramsOf(scoped, {}),
          body: SubredditsConfig,
          response: { 200: SubredditsConfig, ...errors },
        },
      },
      async (request) => ({
        subreddits: await setSubreddits(c.subredditDeps, request.projectId, request.body.subreddits),
      }),
    );
  };
}
