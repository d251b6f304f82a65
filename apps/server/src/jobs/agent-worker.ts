import { tmpdir } from 'node:os';
import { sweepJobDirs } from '@fixloop/adapters';
import { runAgentJob } from '@fixloop/domain';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Container } from '../container.js';
import { JOBS } from './catalog.js';

/** How often a running job's status is read, to notice a cancel from any API process. */
const CANCEL_CHECK_MS = 500;

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
    async (job) => {
      const payload = JOBS.agentRun.payload.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError('agent.run: bad payload');
      const { projectId, jobId } = payload.data;
      const log = c.log.child({ queueJobId: job.id, job: JOBS.agentRun.name, projectId, agentJobId: jobId });
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
        return { status: done?.status ?? 'missing' };
      } finally {
        clearInterval(watch);
        running.delete(controller);
      }
    },
    {
      connection,
      prefix: c.config.queuePrefix,
      concurrency: c.config.agents.workerConcurrency,
      // A dead worker's job comes back after this; the run then fails it (never runs it twice).
      lockDuration: 60_000,
      maxStalledCount: 1,
    },
  );
  worker.on('failed', (job, err) => c.log.warn({ queueJobId: job?.id, err }, 'agent.run failed'));
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
