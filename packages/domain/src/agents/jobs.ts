import type {
  AgentJob,
  AgentJobListQuery,
  AgentJobPatch,
  AgentJobStatus,
  AutomationLevel,
  ClusterStatus,
  JobLogLine,
  LogStream,
} from '@fixloop/contracts';
import { userIdOfActor } from '../auth/principal.js';
import { planLimitReached } from '../billing/limits.js';
import { getClusterDetail } from '../clustering/queries.js';
import { requireCluster } from '../clustering/triage.js';
import { DomainError, notFound, UpstreamError } from '../errors.js';
import { requireProject } from '../projects/projects.js';
import { secretScrubber } from '../text/secrets.js';
import { type AgentDeps, DEFAULT_AUTOMATION } from './deps.js';
import { buildTaskFile } from './planning/index.js';
import { planOrDraft, reportsOf, saveDraftedPlan } from './plans.js';
import { AgentRunError, type NewLogLine } from './ports.js';
import { pullRequestText } from './pull-request-body.js';
import { repositoryAccess } from './repository-access.js';

const ACTIVE: readonly AgentJobStatus[] = ['queued', 'running'];
const AGENT_ACTOR = 'agent';

export async function getAutomation(deps: AgentDeps, projectId: string): Promise<AutomationLevel> {
  await requireProject(deps.projects, projectId);
  return (await deps.automation.get(projectId)) ?? DEFAULT_AUTOMATION;
}

export async function setAutomation(
  deps: AgentDeps,
  projectId: string,
  level: AutomationLevel,
): Promise<AutomationLevel> {
  await requireProject(deps.projects, projectId);
  await deps.automation.set(projectId, level);
  return level;
}

export async function getJob(deps: AgentDeps, projectId: string, jobId: string): Promise<AgentJob> {
  const job = await deps.jobs.get(projectId, jobId);
  if (!job) throw notFound('job', jobId);
  return job;
}

export async function listJobs(deps: AgentDeps, projectId: string, query: AgentJobListQuery) {
  return deps.jobs.list(projectId, query);
}

/** `YYYY-MM` of a date, in UTC: the month a run counts against. */
export function monthOf(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** The branch a job pushes: `fixloop/<cluster-short>-<job-short>`. */
export function branchName(clusterId: string, jobId: string): string {
  const short = (id: string) =>
    id
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 8)
      .toLowerCase() || 'x';
  return `fixloop/${short(clusterId)}-${short(jobId)}`;
}

/** Sets the cluster's status as the agent's doing, recorded in its history. */
async function setClusterStatus(
  deps: AgentDeps,
  projectId: string,
  clusterId: string,
  status: ClusterStatus,
  prUrl?: string,
): Promise<void> {
  const c = deps.clustering;
  const before = await c.clusters.get(projectId, clusterId);
  if (!before) return; // merged away meanwhile: the job still records its outcome
  const fields: { status: ClusterStatus; prUrl?: string } = { status };
  if (prUrl !== undefined) fields.prUrl = prUrl;
  if (before.status === status && (prUrl === undefined || before.prUrl === prUrl)) return;
  await c.clusters.updateFields(projectId, clusterId, fields, {
    now: deps.now(),
    history: {
      at: deps.now().toISOString(),
      action: 'status',
      actor: AGENT_ACTOR,
      details:
        prUrl === undefined
          ? { from: before.status, to: status }
          : { from: before.status, to: status, prUrl },
    },
  });
}

/** Puts the cluster back where it was before the job, if the job left it `fixing`. */
async function restoreClusterStatus(deps: AgentDeps, job: AgentJob): Promise<void> {
  const current = await deps.clustering.clusters.get(job.projectId, job.clusterId);
  if (current?.status !== 'fixing') return;
  const previous = (await deps.jobs.previousClusterStatus(job.projectId, job.id)) ?? 'planned';
  await setClusterStatus(deps, job.projectId, job.clusterId, previous);
}

/**
 * `start_fix`: makes sure the cluster has a plan, admits a job (one active per cluster, the
 * project's concurrency and monthly limits) and queues it; the cluster becomes `fixing`.
 */
export async function startFix(
  deps: AgentDeps,
  projectId: string,
  clusterId: string,
  actor: string,
  retryOf?: AgentJob,
): Promise<AgentJob> {
  if ((await getAutomation(deps, projectId)) === 'plan') {
    throw new DomainError(
      'forbidden',
      'automation for this project stops at coding plans; set it to draft_pr to start fixes',
      { automation: 'plan' },
    );
  }
  // The record only: its status is all a start needs (the run reads the reports).
  const cluster = await requireCluster(deps.clustering, projectId, clusterId);
  if (!(await repositoryAccess(deps, projectId))) {
    throw new DomainError(
      'conflict',
      'the project has no repository: set one with PUT /projects/{pid}/repository first',
      { missing: 'repository' },
    );
  }
  try {
    deps.runners.get(deps.settings.runner);
  } catch (e) {
    // Refused before anything is queued: an unconfigured runner is the operator's to fix.
    throw new DomainError('conflict', (e as Error).message, { runner: deps.settings.runner });
  }
  // A plan drafted for this start is saved only once the job is admitted: a refused start writes nothing.
  const { plan, draft } = await planOrDraft(deps, projectId, clusterId);
  const now = deps.now();
  const job: AgentJob = {
    id: deps.newId(),
    projectId,
    clusterId,
    planId: plan.id,
    runner: deps.settings.runner,
    status: 'queued',
    stats: {},
    createdAt: now.toISOString(),
  };
  if (retryOf) job.retryOf = retryOf.id;
  // Only the user's id is kept: their token is looked up when the job runs, never queued or stored here.
  const startedBy = userIdOfActor(actor);
  if (startedBy !== undefined) job.startedBy = startedBy;
  // With billing on, the plan's monthly limit answers 402 (upgrade); the operator's own stays a 429.
  const byPlan = (await deps.planRunLimit?.(projectId)) ?? null;
  const planLimit = byPlan !== null && byPlan.limit <= deps.settings.maxRunsPerMonth ? byPlan : null;
  const admitted = await deps.jobs.create(projectId, job, {
    maxConcurrent: deps.settings.maxConcurrentRuns,
    maxPerMonth: planLimit?.limit ?? deps.settings.maxRunsPerMonth,
    month: monthOf(now),
  });
  if (!admitted.ok) {
    switch (admitted.reason) {
      case 'cluster_busy':
        throw new DomainError('conflict', 'a fix for this cluster is already queued or running', {
          jobId: admitted.activeJobId,
        });
      case 'concurrency':
        throw new DomainError(
          'rate_limited',
          `this project may run at most ${admitted.limit} coding agent${admitted.limit === 1 ? '' : 's'} at once; wait for one to finish`,
          { limit: admitted.limit, kind: 'concurrent_agent_runs' },
        );
      case 'monthly':
        if (planLimit) {
          throw planLimitReached(projectId, 'coding agent runs a month', planLimit.plan, planLimit.limit);
        }
        throw new DomainError(
          'rate_limited',
          `this project has used its ${admitted.limit} coding agent runs for ${monthOf(now)}`,
          { limit: admitted.limit, kind: 'monthly_agent_runs', month: monthOf(now) },
        );
    }
  }
  if (draft) await saveDraftedPlan(deps, projectId, draft, actor);
  await deps.jobs.rememberClusterStatus(projectId, job.id, cluster.status);
  await setClusterStatus(deps, projectId, clusterId, 'fixing');
  try {
    await deps.queue.enqueue(projectId, job.id);
  } catch (e) {
    const failed = await deps.jobs.transition(projectId, job.id, ['queued'], 'failed', {
      error: 'the job could not be queued',
      finishedAt: deps.now().toISOString(),
    });
    if (failed) await restoreClusterStatus(deps, failed);
    throw e;
  }
  await appendLog(deps, job, [{ step: 'queue', stream: 'info', line: `queued on the ${job.runner} runner` }]);
  return job;
}

/** A 409 carrying the job's status, so a client can tell what became of it. */
function jobConflict(job: AgentJob, message = `the job already ended (${job.status})`): DomainError {
  return new DomainError('conflict', message, { status: job.status });
}

/** Stops a queued or running job: it is marked `cancelled` and its worker kills the process or sandbox. */
export async function cancelJob(deps: AgentDeps, projectId: string, jobId: string): Promise<AgentJob> {
  const job = await getJob(deps, projectId, jobId);
  const cancelled = await deps.jobs.transition(projectId, jobId, ACTIVE, 'cancelled', {
    finishedAt: deps.now().toISOString(),
  });
  if (!cancelled) throw jobConflict(job);
  await deps.queue.signalCancel(projectId, jobId);
  await appendLog(deps, cancelled, [{ step: 'cancel', stream: 'info', line: 'cancelled on request' }]);
  await restoreClusterStatus(deps, cancelled);
  return cancelled;
}

/** Starts a new job for the same cluster after a failed or cancelled one. */
export async function retryJob(
  deps: AgentDeps,
  projectId: string,
  jobId: string,
  actor: string,
): Promise<AgentJob> {
  const job = await getJob(deps, projectId, jobId);
  if (job.status !== 'failed' && job.status !== 'cancelled') {
    throw jobConflict(job, `only a failed or cancelled job can be retried (this one is ${job.status})`);
  }
  return startFix(deps, projectId, job.clusterId, actor, job);
}

/**
 * Status from an external runner (authenticated by the job's own token): forward moves only,
 * queued → running → succeeded|failed, with its log lines. A PR URL moves the cluster to `pr_opened`.
 */
export async function patchJob(
  deps: AgentDeps,
  projectId: string,
  jobId: string,
  patch: AgentJobPatch,
): Promise<AgentJob> {
  let job = await getJob(deps, projectId, jobId);
  // The status the patch moves the job to, if it moves it.
  const target = patch.status === job.status ? undefined : patch.status;
  const from: readonly AgentJobStatus[] = target === 'running' ? ['queued'] : ACTIVE;
  // A patch the job's state refuses writes nothing, its log lines included (the move is checked
  // again below, atomically, for a job that moves meanwhile).
  if (target === undefined && !ACTIVE.includes(job.status)) throw jobConflict(job);
  if (target !== undefined && !from.includes(job.status)) {
    throw jobConflict(job, `the job cannot move from ${job.status} to ${target}`);
  }
  if (patch.log && patch.log.length > 0) {
    await appendLog(
      deps,
      job,
      patch.log.map((l) => ({ step: l.step, stream: 'stdout', line: l.line })),
    );
  }
  const fields = {
    ...(patch.branch !== undefined && { branch: patch.branch }),
    ...(patch.prUrl !== undefined && { prUrl: patch.prUrl }),
    ...(patch.commitSha !== undefined && { commitSha: patch.commitSha }),
    ...(patch.error !== undefined && { error: patch.error }),
    ...(patch.stats !== undefined && { stats: { ...job.stats, ...patch.stats } }),
  };
  const now = deps.now().toISOString();
  if (target === undefined) {
    await deps.jobs.setFields(projectId, jobId, fields);
    return getJob(deps, projectId, jobId);
  }
  const moved = await deps.jobs.transition(projectId, jobId, from, target, {
    ...fields,
    ...(target === 'running' ? { startedAt: now } : { finishedAt: now }),
  });
  if (!moved) {
    throw jobConflict(job, `the job cannot move from ${job.status} to ${target}`);
  }
  job = moved;
  if (job.status === 'succeeded' && job.prUrl) {
    await setClusterStatus(deps, projectId, job.clusterId, 'pr_opened', job.prUrl);
  } else if (job.status === 'failed' || job.status === 'succeeded') {
    await restoreClusterStatus(deps, job);
  }
  return job;
}

/** The job's log lines after `after`, and whether more can still come. */
export async function readJobLog(
  deps: AgentDeps,
  projectId: string,
  jobId: string,
  after: string | undefined,
  limit: number,
): Promise<{ items: JobLogLine[]; nextAfter?: string; done: boolean }> {
  const job = await getJob(deps, projectId, jobId);
  const items = await deps.logs.read(projectId, jobId, after, limit);
  const done = !ACTIVE.includes(job.status);
  const last = items.at(-1)?.id ?? after;
  return last === undefined ? { items, done } : { items, nextAfter: last, done };
}

async function appendLog(deps: AgentDeps, job: AgentJob, lines: NewLogLine[]): Promise<void> {
  try {
    await deps.logs.append(job.projectId, job.id, lines);
  } catch (e) {
    deps.log.warn(
      { projectId: job.projectId, jobId: job.id, err: (e as Error).message },
      'job log write failed',
    );
  }
}

/**
 * Buffers a running job's log lines and writes them in batches (every `intervalMs` or `maxLines`),
 * so a chatty agent costs one Redis round trip per batch, not per line.
 */
export function bufferedLog(
  deps: AgentDeps,
  job: AgentJob,
  scrub: (line: string) => string,
  intervalMs = 200,
  maxLines = 200,
) {
  let pending: NewLogLine[] = [];
  let written = 0;
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (pending.length === 0) return chain;
    const batch = pending;
    pending = [];
    written += batch.length;
    chain = chain.then(() => appendLog(deps, job, batch));
    return chain;
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref?.();
  return {
    sink: (step: string, stream: LogStream, line: string) => {
      pending.push({ step, stream, line: scrub(line) });
      if (pending.length >= maxLines) void flush();
    },
    lines: () => written + pending.length,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Runs one queued job on its runner and opens the draft PR. Called by the `agent.run` worker. */
export async function runAgentJob(
  deps: AgentDeps,
  projectId: string,
  jobId: string,
  signal: AbortSignal,
): Promise<AgentJob | null> {
  const queued = await deps.jobs.get(projectId, jobId);
  if (!queued) return null;
  if (queued.status === 'running') {
    // Delivered again after a worker died mid-run: pushing twice is worse than asking for a retry.
    const failed = await deps.jobs.transition(projectId, jobId, ['running'], 'failed', {
      error: 'the worker running this job stopped; retry it',
      finishedAt: deps.now().toISOString(),
    });
    if (failed) await restoreClusterStatus(deps, failed);
    return failed;
  }
  const started = deps.now();
  const job = await deps.jobs.transition(projectId, jobId, ['queued'], 'running', {
    startedAt: started.toISOString(),
  });
  if (!job) return deps.jobs.get(projectId, jobId); // cancelled before it started
  let accessRefused: string | undefined;
  const access = await repositoryAccess(deps, projectId, job.startedBy).catch((e: unknown) => {
    accessRefused = e instanceof DomainError ? e.message : 'the repository could not be resolved';
    return null;
  });
  const log = bufferedLog(deps, job, secretScrubber([access?.token, deps.settings.serverToken]));
  try {
    if (!access) throw new AgentRunError(accessRefused ?? 'the project has no repository');
    const plan = await deps.plans.get(projectId, job.clusterId);
    if (!plan) throw new AgentRunError('the cluster has no coding plan');
    const detail = await getClusterDetail(deps.clustering, projectId, job.clusterId);
    const reports = reportsOf(detail);
    const branch = branchName(job.clusterId, job.id);
    const runner = deps.runners.get(job.runner);
    log.sink('prepare', 'info', `job ${job.id}: ${reports.length} reports, plan ${plan.id} (${plan.source})`);
    const outcome = await runner.run({
      job,
      plan,
      task: buildTaskFile(plan, detail, reports, {
        owner: access.owner,
        name: access.name,
        branch: access.defaultBranch ?? 'the default branch',
      }),
      repository: access,
      branch,
      commitMessage: `Fix: ${plan.title}\n\nPlanned by Fixloop from ${reports.length} report${reports.length === 1 ? '' : 's'} (cluster ${job.clusterId}).`,
      log: log.sink,
      signal,
      statusCallback: deps.jobCallback?.(projectId, job.id),
    });
    if (signal.aborted) throw new AgentRunError('cancelled');
    log.sink(
      'pull-request',
      'info',
      `opening a draft pull request from ${outcome.branch} into ${outcome.baseBranch}`,
    );
    const text = pullRequestText({
      cluster: detail,
      plan,
      reports,
      validation: outcome.validation,
      owner: access.owner,
      repo: access.name,
      jobId: job.id,
    });
    const pr = await deps.pullRequests.openDraft({
      owner: access.owner,
      repo: access.name,
      head: outcome.branch,
      base: outcome.baseBranch,
      title: text.title,
      body: text.body,
      token: access.token,
    });
    log.sink('pull-request', 'info', `draft pull request #${pr.number}: ${pr.url}`);
    await log.close();
    const done = await deps.jobs.transition(projectId, jobId, ['running'], 'succeeded', {
      branch: outcome.branch,
      prUrl: pr.url,
      commitSha: outcome.commitSha,
      stats: {
        ...outcome.stats,
        validationPassed: outcome.validation.passed,
        durationMs: deps.now().getTime() - started.getTime(),
        logLines: log.lines(),
      },
      finishedAt: deps.now().toISOString(),
    });
    if (done) await setClusterStatus(deps, projectId, job.clusterId, 'pr_opened', pr.url);
    return done ?? deps.jobs.get(projectId, jobId);
  } catch (e) {
    // An abort is a cancel when the job says so; otherwise this process is stopping.
    const cancelled = signal.aborted && (await deps.jobs.get(projectId, jobId))?.status === 'cancelled';
    const message = cancelled
      ? 'cancelled'
      : signal.aborted
        ? 'the worker stopped during the run; retry it'
        : failureMessage(e);
    log.sink('error', 'info', cancelled ? 'stopped: the job was cancelled' : `failed: ${message}`);
    await log.close();
    if (!signal.aborted && !(e instanceof AgentRunError) && !(e instanceof DomainError)) {
      deps.log.error(
        { projectId, jobId, err: secretScrubber([access?.token])((e as Error).message) },
        'agent job failed',
      );
    }
    const ended = await deps.jobs.transition(
      projectId,
      jobId,
      ['running'],
      cancelled ? 'cancelled' : 'failed',
      {
        error: secretScrubber([access?.token, deps.settings.serverToken])(message),
        stats: { durationMs: deps.now().getTime() - started.getTime(), logLines: log.lines() },
        finishedAt: deps.now().toISOString(),
      },
    );
    if (!ended) {
      await deps.jobs.setFields(projectId, jobId, {
        stats: { durationMs: deps.now().getTime() - started.getTime(), logLines: log.lines() },
      });
    }
    const final = ended ?? (await deps.jobs.get(projectId, jobId));
    if (final) await restoreClusterStatus(deps, final);
    return final;
  }
}

function failureMessage(e: unknown): string {
  if (e instanceof AgentRunError) return e.message;
  if (e instanceof UpstreamError) return `${e.service}: ${e.message}`;
  if (e instanceof DomainError) return e.message;
  return `internal error: ${(e as Error)?.message ?? String(e)}`;
}
