import type { JobOutcome, Logger, Telemetry } from '@fixloop/domain';
import { runWithRequestId } from '../infra/request-context.js';

/** One job, ready to run: its logger (ids bound) and the request that queued it, if any. */
export interface JobStart<R> {
  log: Logger;
  requestId: string | undefined;
  work: () => Promise<R>;
}

export interface JobOutcomes<R> {
  /** What a finished run's result says. */
  of: (result: R) => JobOutcome;
  /** What a thrown error means (default `error`). */
  ofError?: (err: unknown) => JobOutcome;
}

/**
 * Runs one job as work of the request that queued it (what it queues in turn carries the same id),
 * timing it and counting its outcome. `start` parses the payload; a throw there counts like one in
 * the work. The error is rethrown for BullMQ. A `busy` bounce is counted but not timed: it never ran.
 */
export async function measureJob<R>(
  telemetry: Telemetry,
  name: string,
  outcomes: JobOutcomes<R>,
  start: () => JobStart<R>,
): Promise<R> {
  const began = performance.now();
  const finish = (outcome: JobOutcome, log?: Logger) => {
    const seconds = (performance.now() - began) / 1000;
    telemetry.jobFinished(name, outcome, outcome === 'busy' ? undefined : seconds);
    log?.debug({ outcome, seconds: Math.round(seconds * 1000) / 1000 }, 'job finished');
  };
  let log: Logger | undefined;
  try {
    const job = start();
    log = job.log;
    const result = await runWithRequestId(job.requestId, job.work);
    finish(outcomes.of(result), log);
    return result;
  } catch (err) {
    finish(outcomes.ofError?.(err) ?? 'error', log);
    throw err;
  }
}

/** The `reqId` binding of a job's log lines, named as Fastify names it on request lines. */
export function requestBinding(requestId: unknown): { reqId?: string } {
  return typeof requestId === 'string' ? { reqId: requestId } : {};
}
