import { describe, expect, it } from 'vitest';
import { currentRequestId, requestIdField, runWithRequestId } from './request-context.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('request context', () => {
  it('carries the request id through awaits and timers started inside', async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await runWithRequestId('req-1', async () => {
      await tick();
      return new Promise<string | undefined>((resolve) => setTimeout(() => resolve(currentRequestId()), 1));
    });
    expect(seen).toBe('req-1');
    expect(currentRequestId()).toBeUndefined();
  });

  it('keeps concurrent requests apart and leaves a job without an id outside any request', async () => {
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        runWithRequestId(id, async () => {
          await tick();
          return requestIdField();
        }),
      ),
    );
    expect(ids).toEqual([{ requestId: 'a' }, { requestId: 'b' }, { requestId: 'c' }]);
    const inner = runWithRequestId('outer', () => runWithRequestId(undefined, () => requestIdField()));
    expect(inner).toEqual({});
  });
});
