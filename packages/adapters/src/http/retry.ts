import { type Logger, UpstreamError } from '@fixloop/domain';
import { UpstreamHttpError } from './upstream-failure.js';

export interface RetryOptions {
  /** Attempts in all, the first one included (default 4). */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry in ms, doubled for each further one (default 500). */
  baseDelayMs?: number;
  /** Longest backoff and longest `Retry-After` honoured, in ms (default 30 s); a longer ask ends the retries. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (tests pin it). */
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or the attempts run out.
 * Retryable errors are `UpstreamError`s with `retryable` set (429, 5xx, network); the wait is the
 * answer's `Retry-After` when it gave one, else exponential backoff with jitter.
 */
export async function withRetry<T>(
  service: string,
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
  log?: Logger,
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (!err.retryable || n >= maxAttempts) throw err;
      const asked = err instanceof UpstreamHttpError ? err.retryAfterMs : undefined;
      // A server that asks for a longer pause than we would wait is better retried by the job later.
      if (asked !== undefined && asked > cap) throw err;
      const wait = asked ?? backoffMs(n, base, cap, random);
      log?.warn(
        { service, status: err.status, attempt: n, waitMs: wait },
        `${service}: retrying after failure`,
      );
      await sleep(wait);
    }
  }
}

/** Half of the exponential step is fixed, half random ("equal jitter"): never zero, never in lockstep. */
export function backoffMs(retry: number, base: number, cap: number, random: () => number): number {
  const step = Math.min(cap, base * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
