import {
  AgentJob,
  AgentJobListQuery,
  AgentJobPatch,
  AutomationSettings,
  CodingPlan,
  CodingPlanUpdate,
  ErrorBody,
  JobLogPage,
  JobLogQuery,
  pageOf,
} from '@fixloop/contracts';
import {
  type AgentDeps,
  cancelJob,
  DomainError,
  generatePlan,
  getAutomation,
  getJob,
  getPlan,
  listJobs,
  patchJob,
  readJobLog,
  retryJob,
  savePlan,
  setAutomation,
  startFix,
} from '@fixloop/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, paramsOf } from '../route-kit.js';
import { actorOf } from './clusters.js';

const Id = z.string().min(1).max(200);
/** How often a followed log is read for new lines. */
const FOLLOW_EVERY_MS = 400;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/event-stream');
}

/**
 * Follows a job's log as Server-Sent Events: every line as a `line` event (its id is the stream
 * entry id, so `Last-Event-ID` resumes), then one `end` event with the job's final status.
 */
async function followLog(
  deps: AgentDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  projectId: string,
  jobId: string,
  after: string | undefined,
): Promise<void> {
  await getJob(deps, projectId, jobId); // 404 before the stream starts
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  request.raw.on('close', () => {
    closed = true;
  });
  let cursor = after;
  let lastWrite = Date.now();
  try {
    while (!closed) {
      const page = await readJobLog(deps, projectId, jobId, cursor, 500);
      for (const line of page.items) {
        res.write(`id: ${line.id}\nevent: line\ndata: ${JSON.stringify(line)}\n\n`);
      }
      if (page.items.length > 0) lastWrite = Date.now();
      cursor = page.nextAfter ?? cursor;
      if (page.done && page.items.length < 500) {
        const job = await getJob(deps, projectId, jobId);
        res.write(
          `event: end\ndata: ${JSON.stringify({ status: job.status, prUrl: job.prUrl ?? null })}\n\n`,
        );
        break;
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      if (page.items.length < 500) await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
    }
  } catch (err) {
    request.log.warn({ err, jobId }, 'log stream ended with an error');
  } finally {
    res.end();
  }
}

/** Coding plans, fixes and agent jobs: data routes, at the root and under `/projects/{pid}`. */
export function agentRoutes(c: Container, scoped: boolean): FastifyPluginAsyncZod {
  const deps = (request: FastifyRequest): AgentDeps => ({ ...c.agentDeps, log: request.log });
  return async (app) => {
    const plans = ['plans'];
    const jobs = ['jobs'];
    app.get(
      '/clusters/:id/plan',
      {
        schema: {
          tags: plans,
          summary: "The cluster's coding plan (404 before the first one)",
          params: paramsOf(scoped, { id: Id }),
          response: { 200: CodingPlan, ...errors },
        },
      },
      async (request) => getPlan(deps(request), request.projectId, request.params.id),
    );
    app.post(
      '/clusters/:id/plan',
      {
        schema: {
          tags: plans,
          summary: 'Generate the coding plan now (replaces the current one, a human edit included)',
          params: paramsOf(scoped, { id: Id }),
          response: { 201: CodingPlan, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await generatePlan(deps(request), request.projectId, request.params.id, actorOf(request))),
    );
    app.put(
      '/clusters/:id/plan',
      {
        schema: {
          tags: plans,
          summary: "Save a human's edit of the plan (kept until a human regenerates it)",
          params: paramsOf(scoped, { id: Id }),
          body: CodingPlanUpdate,
          response: { 200: CodingPlan, ...errors },
        },
      },
      async (request) => savePlan(deps(request), request.projectId, request.params.id, request.body),
    );
    app.post(
      '/clusters/:id/start_fix',
      {
        schema: {
          tags: jobs,
          summary: 'Queue a coding agent for the cluster (409 when one is queued or running)',
          params: paramsOf(scoped, { id: Id }),
          response: { 202: AgentJob, 402: ErrorBody, 409: ErrorBody, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await startFix(deps(request), request.projectId, request.params.id, actorOf(request))),
    );
    app.get(
      '/jobs',
      {
        schema: {
          tags: jobs,
          summary: 'Agent jobs, newest first',
          params: paramsOf(scoped, {}),
          querystring: AgentJobListQuery,
          response: { 200: pageOf(AgentJob), ...errors },
        },
      },
      async (request) => listJobs(deps(request), request.projectId, request.query),
    );
    app.get(
      '/jobs/:id',
      {
        schema: {
          tags: jobs,
          params: paramsOf(scoped, { id: Id }),
          response: { 200: AgentJob, ...errors },
        },
      },
      async (request) => getJob(deps(request), request.projectId, request.params.id),
    );
    app.patch(
      '/jobs/:id',
      {
        config: { internalScope: 'agent-job' },
        schema: {
          tags: jobs,
          summary: "Status from an external runner (the job's own token, or a project key)",
          params: paramsOf(scoped, { id: Id }),
          body: AgentJobPatch,
          response: { 200: AgentJob, ...errors },
        },
      },
      async (request) => {
        const p = request.principal;
        if (p?.kind === 'internal' && p.subject !== request.params.id) {
          throw new DomainError('forbidden', 'this credential is for another job');
        }
        return patchJob(deps(request), request.projectId, request.params.id, request.body);
      },
    );
    app.post(
      '/jobs/:id/cancel',
      {
        schema: {
          tags: jobs,
          summary: 'Stop a queued or running job (its process or sandbox is killed)',
          params: paramsOf(scoped, { id: Id }),
          response: { 200: AgentJob, ...errors },
        },
      },
      async (request) => cancelJob(deps(request), request.projectId, request.params.id),
    );
    app.post(
      '/jobs/:id/retry',
      {
        schema: {
          tags: jobs,
          summary: 'Start a new job for the cluster of a failed or cancelled one',
          params: paramsOf(scoped, { id: Id }),
          response: { 202: AgentJob, 402: ErrorBody, 409: ErrorBody, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await retryJob(deps(request), request.projectId, request.params.id, actorOf(request))),
    );
    app.get(
      '/jobs/:id/logs',
      {
        schema: {
          tags: jobs,
          summary:
            "The job's log lines after `after`; with Accept: text/event-stream, followed live until the job ends",
          params: paramsOf(scoped, { id: Id }),
          querystring: JobLogQuery,
          response: { 200: JobLogPage, ...errors },
        },
      },
      async (request, reply) => {
        const { after, limit } = request.query;
        if (wantsEventStream(request)) {
          const lastEventId = request.headers['last-event-id'];
          const resume =
            typeof lastEventId === 'string' && JobLogQuery.shape.after.safeParse(lastEventId).success
              ? lastEventId
              : after;
          await followLog(deps(request), request, reply, request.projectId, request.params.id, resume);
          return reply;
        }
        return readJobLog(deps(request), request.projectId, request.params.id, after, limit);
      },
    );
  };
}

/** `GET|PUT /projects/{pid}/automation`: how far automation may go (project settings). */
export function automationRoutes(c: Container): FastifyPluginAsyncZod {
  const Pid = z.object({ projectId: z.string() });
  return async (app) => {
    app.get(
      '/projects/:projectId/automation',
      { schema: { tags: ['projects'], params: Pid, response: { 200: AutomationSettings, ...errors } } },
      async (request) => ({ level: await getAutomation(c.agentDeps, request.projectId) }),
    );
    app.put(
      '/projects/:projectId/automation',
      {
        schema: {
          tags: ['projects'],
          summary: 'plan: coding plans only; draft_pr: fixes up to a draft pull request',
          params: Pid,
          body: AutomationSettings,
          response: { 200: AutomationSettings, ...errors },
        },
      },
      async (request) => ({ level: await setAutomation(c.agentDeps, request.projectId, request.body.level) }),
    );
  };
}
