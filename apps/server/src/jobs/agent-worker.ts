import { tmpdir } from 'node:os';
import { sweepJobDirs } from '@fixloop/adapters';
import type { AgentJob } from '@fixloop/contracts';
import { type JobOutcome, runAgentJob } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import { JOBS } from './catalog.js';
import { type JobOutcomes, measureJob, requestBinding } from './measure-job.js';

/** How often a running job's status is read, to notice a cancel from any API process. */
const CANCEL_CHECK_MS = 500;

const outcomes: JobOutcomes<{ status: AgentJob['status'] | 'missing' }> = {
  of: ({ status }): JobOutcome =>
    status === 'succeeded' || status === 'failed' || status === 'cancelled' ? status : 'skipped',
};

export interface AgentWorker {
  worker: Worker;
  /** Stops every run of this process (shutdown): they end as failed, asking for a retry. */
  abortAll(): void;
}

/**
 * Processes `agent.run`: one agent job on its runner. The run records its own outcome on the
 * job; the worker only turns a `cancelled` status (set by any API process) into an abort.
 */
export function startAgentWorker(c: Container, connection: Redis): AgentWorker {
  const running = new Set<AbortController>();
  const worker = new Worker(
    JOBS.agentRun.queue,
    async (job) =>
      measureJob(c.metrics, JOBS.agentRun.name, outcomes, () => {
        const payload = JOBS.agentRun.payload.safeParse(job.data);
        if (!payload.success) throw new UnrecoverableError('agent.run: bad payload');
        const { projectId, jobId, requestId } = payload.data;
        const log = c.log.child({
          queueJobId: job.id,
          job: JOBS.agentRun.name,
          projectId,
          agentJobId: jobId,
          ...requestBinding(requestId),
        });
        const work = async () => {
          const controller = new AbortController();
          running.add(controller);
          const watch = setInterval(() => {
            c.agentJobs.get(projectId, jobId).then(
              (j) => {
                if (j?.status === 'cancelled') controller.abort();
              },
              () => {},
            );
          }, CANCEL_CHECK_MS);
          try {
            const done = await runAgentJob({ ...c.agentDeps, log }, projectId, jobId, controller.signal);
            return { status: done?.status ?? ('missing' as const) };
          } finally {
            clearInterval(watch);
            running.delete(controller);
          }
        };
        return { log, requestId, work };
      }),
    {
      connection,
      prefix: c.config.queuePrefix,
      concurrency: c.config.agents.workerConcurrency,
      // A dead worker's job comes back once its lock expires; the run then fails it (never runs it twice).
      lockDuration: c.config.agents.lockTtlMs,
      stalledInterval: Math.min(30_000, c.config.agents.lockTtlMs / 2),
      maxStalledCount: 1,
    },
  );
  worker.on('failed', (job, err) =>
    c.log.warn({ queueJobId: job?.id, ...requestBinding(job?.data?.requestId), err }, 'agent.run failed'),
  );
  // Job directories a killed worker left behind; a live job's directory is far younger than this.
  const staleMs = Math.max(24 * 3_600_000, 10 * c.config.agents.timeoutMs);
  sweepJobDirs(tmpdir(), staleMs).then(
    (removed) => {
      if (removed > 0) c.log.info({ removed }, 'removed job directories left by stopped workers');
    },
    (err: unknown) => c.log.warn({ err }, 'could not sweep old job directories'),
  );
  return {
    worker,
    abortAll() {
      for (const controller of running) controller.abort();
    },
  };
}
