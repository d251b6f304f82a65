// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, stubFetch, testSession } from '../testing/render';
import { fetchSession, rememberSignedIn } from './auth';

afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('fetchSession', () => {
  it('does not ask the server when this browser never signed in', async () => {
    const calls = stubFetch(() => ({ body: testSession }));
    await expect(fetchSession()).resolves.toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('asks /auth/me once signed in, and takes a 401 as signed out for good', async () => {
    rememberSignedIn(true);
    let answer = { body: testSession } as ReturnType<typeof apiError>;
    const calls = stubFetch(() => answer);
    await expect(fetchSession()).resolves.toEqual(testSession);

    answer = apiError(401, 'unauthorized', 'session expired');
    await expect(fetchSession()).resolves.toBeNull();
    await expect(fetchSession()).resolves.toBeNull();
    expect(calls.map((c) => c.url.pathname)).toEqual(['/auth/me', '/auth/me']);
  });

  it('lets other failures through as errors', async () => {
    rememberSignedIn(true);
    stubFetch(() => apiError(503, 'upstream_unavailable', 'Redis is not reachable'));
    await expect(fetchSession()).rejects.toMatchObject({ status: 503 });
  });
});
