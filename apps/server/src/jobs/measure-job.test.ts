import { type JobOutcome, type Logger, noTelemetry, type Telemetry } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { currentRequestId } from '../infra/request-context.js';
import { measureJob, requestBinding } from './measure-job.js';

function recording() {
  const finished: Array<{ job: string; outcome: JobOutcome; seconds: number | undefined }> = [];
  const telemetry: Telemetry = {
    ...noTelemetry,
    jobFinished: (job, outcome, seconds) => finished.push({ job, outcome, seconds }),
  };
  const lines: Array<{ obj: object; msg: string | undefined }> = [];
  const log: Logger = {
    info: () => {},
    warn: () => {},
    error: () => {},
    debug: (obj, msg) => lines.push({ obj, msg }),
  };
  return { finished, telemetry, lines, log };
}

describe('measureJob', () => {
  it('runs the work as the queuing request, times it and counts the outcome its result says', async () => {
    const { finished, telemetry, lines, log } = recording();
    const result = await measureJob(
      telemetry,
      'clustering.run',
      { of: (r: string) => (r === 'ok' ? 'succeeded' : 'failed') },
      () => ({
        log,
        requestId: 'req-9',
        work: async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          return currentRequestId() === 'req-9' ? 'ok' : 'lost';
        },
      }),
    );
    expect(result).toBe('ok');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ job: 'clustering.run', outcome: 'succeeded' });
    expect(finished[0]?.seconds).toBeGreaterThanOrEqual(0.005);
    expect(lines).toEqual([
      { obj: { outcome: 'succeeded', seconds: expect.any(Number) }, msg: 'job finished' },
    ]);
  });

  it('counts a throw, in the work or while parsing, by its error outcome and rethrows it', async () => {
    const { finished, telemetry, log } = recording();
    const busy = new Error('busy');
    const outcomes = {
      of: () => 'succeeded' as const,
      ofError: (e: unknown) => (e === busy ? 'busy' : 'error') as JobOutcome,
    };
    await expect(
      measureJob(telemetry, 'clustering.run', outcomes, () => ({
        log,
        requestId: undefined,
        work: async () => {
          throw busy;
        },
      })),
    ).rejects.toBe(busy);
    await expect(
      measureJob(telemetry, 'agent.run', outcomes, () => {
        throw new Error('bad payload');
      }),
    ).rejects.toThrow('bad payload');
    expect(finished).toEqual([
      { job: 'clustering.run', outcome: 'busy', seconds: undefined },
      { job: 'agent.run', outcome: 'error', seconds: expect.any(Number) },
    ]);
  });

  it('binds reqId only for a string request id', () => {
    expect(requestBinding('r-1')).toEqual({ reqId: 'r-1' });
    expect(requestBinding(undefined)).toEqual({});
    expect(requestBinding(42)).toEqual({});
  });
});
