import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiRequest, errorMessage, projectPath, withQuery } from './client';

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(status: number, body: string | null, contentType = 'application/json') {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(body, { status, headers: { 'content-type': contentType } })),
  );
}

describe('apiRequest', () => {
  it('decodes the error envelope into a typed error with its field issues', async () => {
    answer(
      422,
      JSON.stringify({
        error: {
          code: 'validation_failed',
          message: 'body.title: too long',
          details: { issues: [{ path: 'body.title', message: 'too long' }] },
        },
      }),
    );
    const error = await apiRequest('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'validation_failed', message: 'body.title: too long' });
    expect((error as ApiError).issues).toEqual([{ path: 'body.title', message: 'too long' }]);
    expect(errorMessage(error)).toBe('body.title: too long');
  });

  it('turns an answer that is not the API envelope into an unexpected_response', async () => {
    answer(502, '<html>Bad gateway</html>', 'text/html');
    await expect(apiRequest('/x')).rejects.toMatchObject({ status: 502, code: 'unexpected_response' });
  });

  it('answers undefined for 204 and sends JSON bodies with the session cookie', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(apiRequest('/auth/logout', { method: 'POST', body: { a: 1 } })).resolves.toBeUndefined();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/auth/logout');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('sends no body and no content type to action routes', async () => {
    const fetchMock = vi.fn(async () => new Response('{}', { status: 202 }));
    vi.stubGlobal('fetch', fetchMock);
    await apiRequest('/projects/p/cluster-jobs', { method: 'POST' });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.body).toBeUndefined();
    expect((init.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('fetch failed'))),
    );
    await expect(apiRequest('/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('paths', () => {
  it('scopes to the project and drops empty query values', () => {
    expect(projectPath('acme-web', '/clusters')).toBe('/projects/acme-web/clusters');
    expect(withQuery('/c', { sort: 'size', q: '', status: undefined, limit: 25 })).toBe(
      '/c?sort=size&limit=25',
    );
  });
});
