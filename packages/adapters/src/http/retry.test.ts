import { UpstreamError } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { backoffMs, withRetry } from './retry.js';
import { httpFailure, retryAfterMs, UpstreamHttpError } from './upstream-failure.js';

const headers = (h: Record<string, string>) => new Headers(h);

function flaky(errors: Error[], value = 'ok') {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: async () => {
      const err = errors[calls++];
      if (err) throw err;
      return value;
    },
  };
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '7' }), now)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
  });
});

describe('withRetry', () => {
  const e429 = (after?: string) =>
    httpFailure('svc', 'Svc', 429, headers(after ? { 'retry-after': after } : {}), 'slow down', undefined);
  const e500 = () => httpFailure('svc', 'Svc', 500, undefined, undefined, undefined);

  it('backs off exponentially with jitter between half and all of each step, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100, 500, () => 0))).toEqual([50, 100, 200, 250]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100, 500, () => 0.999999))).toEqual([100, 200, 400, 500]);
  });

  it('retries retryable failures, waiting as Retry-After says when it does', async () => {
    const { waits, sleep } = recorder();
    const f = flaky([e429('2'), e500(), e500()]);
    await expect(withRetry('svc', f.run, { sleep, random: () => 0, baseDelayMs: 100 })).resolves.toBe('ok');
    expect(f.calls).toBe(4);
    expect(waits).toEqual([2000, 100, 200]);
  });

  it('stops after maxAttempts and throws the last failure', async () => {
    const { waits, sleep } = recorder();
    const f = flaky([e500(), e500(), e500()]);
    const err = await withRetry('svc', f.run, { sleep, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(f.calls).toBe(2);
    expect(waits).toHaveLength(1);
  });

  it('does not retry non-retryable failures or foreign errors', async () => {
    const { waits, sleep } = recorder();
    const bad = flaky([httpFailure('svc', 'Svc', 400, undefined, 'bad field', undefined)]);
    await expect(withRetry('svc', bad.run, { sleep })).rejects.toMatchObject({
      retryable: false,
      status: 400,
    });
    const bug = flaky([new TypeError('oops')]);
    await expect(withRetry('svc', bug.run, { sleep })).rejects.toBeInstanceOf(TypeError);
    expect(bad.calls + bug.calls).toBe(2);
    expect(waits).toEqual([]);
  });

  it('gives up at once when Retry-After asks for more than the longest wait', async () => {
    const { waits, sleep } = recorder();
    const f = flaky([e429('600')]);
    const err = await withRetry('svc', f.run, { sleep, maxDelayMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamHttpError);
    expect((err as UpstreamHttpError).retryable).toBe(true);
    expect((err as UpstreamHttpError).retryAfterMs).toBe(600_000);
    expect(waits).toEqual([]);
  });
});
