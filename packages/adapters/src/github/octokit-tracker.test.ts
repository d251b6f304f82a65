import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError, type Logger, type TrackerIssue, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { OctokitTracker } from './octokit-tracker.js';

interface Seen {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

/** A local stand-in for the GitHub REST API. */
async function github(answer: (req: Seen, i: number, base: string) => Answer) {
  const seen: Seen[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', base);
    const s = { path: u.pathname, query: u.searchParams, headers: req.headers };
    seen.push(s);
    const a = answer(s, seen.length - 1, base);
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...a.headers });
    res.end(JSON.stringify(a.body ?? {}));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: base, seen };
}

function issue(number: number, extra: Record<string, unknown> = {}) {
  return {
    id: 500 + number,
    number,
    title: `Issue ${number}`,
    body: `Body ${number}`,
    state: 'open',
    html_url: `https://github.com/acme/app/issues/${number}`,
    user: { login: 'octocat', id: 1 },
    labels: [{ id: 1, name: 'bug', color: 'f29513' }],
    comments: 2,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: `2026-01-0${number}T00:00:00Z`,
    ...extra,
  };
}

const warnings: object[] = [];
const log: Logger = {
  info: () => {},
  debug: () => {},
  error: () => {},
  warn: (obj) => {
    warnings.push(obj);
  },
};

async function collect(pages: AsyncIterable<TrackerIssue[]>): Promise<TrackerIssue[][]> {
  const out: TrackerIssue[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function failure(pages: AsyncIterable<TrackerIssue[]>): Promise<unknown> {
  return collect(pages).then(
    () => undefined,
    (e: unknown) => e,
  );
}

const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

describe('OctokitTracker.listIssues', () => {
  it('follows the Link header page by page, oldest update first, with the token', async () => {
    const gh = await github((req, i, base) => {
      if (i === 0) {
        const next = `${base}${req.path}?${new URLSearchParams({ ...Object.fromEntries(req.query), page: '2' })}`;
        return {
          headers: { link: `<${next}>; rel="next", <${next}>; rel="last"` },
          body: [
            issue(1, { body: null, user: null, labels: ['triage', { name: 'ui' }, { name: null }] }),
            issue(2, {
              state: 'closed',
              pull_request: { url: 'https://api.github.com/repos/acme/app/pulls/2' },
            }),
          ],
        };
      }
      return { body: [issue(3)] };
    });
    const tracker = new OctokitTracker({ baseUrl: gh.url, log });
    const pages = await collect(
      tracker.listIssues({ owner: 'acme', repo: 'app', since: '2026-01-01T00:00:00Z', token: 'ghp_abc' }),
    );
    expect(pages.map((p) => p.map((i) => i.number))).toEqual([[1, 2], [3]]);
    expect(pages[0]?.[0]).toEqual({
      number: 1,
      title: 'Issue 1',
      body: '',
      state: 'open',
      htmlUrl: 'https://github.com/acme/app/issues/1',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      labels: ['triage', 'ui'],
      isPullRequest: false,
      comments: 2,
    });
    expect(pages[0]?.[1]).toMatchObject({
      number: 2,
      state: 'closed',
      isPullRequest: true,
      author: 'octocat',
    });

    expect(gh.seen.map((s) => [s.path, s.query.get('page')])).toEqual([
      ['/repos/acme/app/issues', null],
      ['/repos/acme/app/issues', '2'],
    ]);
    const first = gh.seen[0];
    expect(Object.fromEntries(first?.query ?? [])).toEqual({
      state: 'all',
      sort: 'updated',
      direction: 'asc',
      per_page: '100',
      since: '2026-01-01T00:00:00Z',
    });
    for (const s of gh.seen) {
      expect(s.headers.authorization).toBe('token ghp_abc');
      expect(s.headers['user-agent']).toMatch(/^fixloop\/0\.1 /);
    }
  });

  it('sends no Authorization header and no since when it has neither', async () => {
    const gh = await github(() => ({ body: [] }));
    const pages = await collect(
      new OctokitTracker({ baseUrl: gh.url, log }).listIssues({ owner: 'a', repo: 'b' }),
    );
    expect(pages).toEqual([[]]);
    expect(gh.seen[0]?.headers.authorization).toBeUndefined();
    expect(gh.seen[0]?.query.has('since')).toBe(false);
  });

  it('skips issues of an unexpected shape, with a warning', async () => {
    const gh = await github(() => ({
      body: [issue(1), { number: 2, title: null }, issue(3, { state: 'weird' })],
    }));
    warnings.length = 0;
    const pages = await collect(
      new OctokitTracker({ baseUrl: gh.url, log }).listIssues({ owner: 'a', repo: 'b' }),
    );
    expect(pages.map((p) => p.map((i) => i.number))).toEqual([[1]]);
    expect(warnings).toEqual([{ issue: 2 }, { issue: 3 }]);
  });

  it('maps GitHub failures to domain errors', async () => {
    const cases: Array<[Answer, (e: unknown) => void]> = [
      [
        { status: 404, body: notFound },
        (e) => {
          expect(e).toBeInstanceOf(DomainError);
          expect(e).not.toBeInstanceOf(UpstreamError);
          expect(e).toMatchObject({ code: 'not_found' });
          expect((e as Error).message).toContain('acme/app');
        },
      ],
      [
        {
          status: 401,
          body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
        },
        (e) => expect(e).toMatchObject({ code: 'upstream_unavailable', status: 401, retryable: false }),
      ],
      [
        {
          status: 422,
          body: { message: 'Validation Failed', errors: [{ field: 'since', code: 'invalid' }] },
        },
        (e) => expect(e).toMatchObject({ code: 'upstream_unavailable', status: 422, retryable: false }),
      ],
      [
        { status: 403, body: { message: 'Resource not accessible by integration' } },
        (e) => expect(e).toMatchObject({ code: 'upstream_unavailable', status: 403, retryable: false }),
      ],
    ];
    for (const [answer, check] of cases) {
      const gh = await github(() => answer);
      const err = await failure(
        new OctokitTracker({ baseUrl: gh.url, log }).listIssues({ owner: 'acme', repo: 'app' }),
      );
      expect(err).toBeInstanceOf(DomainError);
      check(err);
      expect(gh.seen).toHaveLength(1);
    }
  });

  it('gives up on a rate limit when told not to wait, with a retryable error', async () => {
    const gh = await github(() => ({
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      },
      body: { message: 'API rate limit exceeded for 127.0.0.1.' },
    }));
    warnings.length = 0;
    const tracker = new OctokitTracker({ baseUrl: gh.url, log, rateLimitRetries: 0 });
    const err = await failure(tracker.listIssues({ owner: 'acme', repo: 'app' }));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 403, retryable: true });
    expect(gh.seen).toHaveLength(1);
    expect(warnings).toEqual([
      expect.objectContaining({ retryCount: 0, retryAfter: expect.any(Number) as number }),
    ]);
    expect((warnings[0] as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(3600);
  });

  it('retries a transient 5xx', async () => {
    const gh = await github((_req, i) =>
      i === 0 ? { status: 502, body: { message: 'Server Error' } } : { body: [issue(4)] },
    );
    const pages = await collect(
      new OctokitTracker({ baseUrl: gh.url, log }).listIssues({ owner: 'a', repo: 'b' }),
    );
    expect(pages.map((p) => p.map((i) => i.number))).toEqual([[4]]);
    expect(gh.seen).toHaveLength(2);
  });
});

/** `GET /repos/{owner}/{repo}` as GitHub documents it (abridged); `permissions` only when authenticated. */
function repository(extra: Record<string, unknown> = {}) {
  return {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: 'app',
    full_name: 'Acme/app',
    owner: { login: 'Acme', id: 1, type: 'Organization' },
    private: true,
    html_url: 'https://github.com/Acme/app',
    description: 'The app',
    fork: false,
    default_branch: 'trunk',
    open_issues_count: 17,
    visibility: 'private',
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('OctokitTracker.getRepository', () => {
  it('asks GET /repos/{owner}/{repo} with the token and maps the answer', async () => {
    const gh = await github(() => ({
      body: repository({
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      }),
    }));
    const repo = await new OctokitTracker({ baseUrl: gh.url, log }).getRepository({
      owner: 'acme',
      repo: 'app',
      token: 'ghp_abc',
    });
    expect(repo).toEqual({
      fullName: 'Acme/app',
      defaultBranch: 'trunk',
      private: true,
      htmlUrl: 'https://github.com/Acme/app',
      openIssues: 17,
      permissions: { admin: false, push: true, pull: true },
    });
    expect(gh.seen.map((s) => s.path)).toEqual(['/repos/acme/app']);
    expect(gh.seen[0]?.headers.authorization).toBe('token ghp_abc');
  });

  it('asks anonymously without a token, and GitHub then says nothing about permissions', async () => {
    const gh = await github(() => ({ body: repository({ private: false }) }));
    const repo = await new OctokitTracker({ baseUrl: gh.url, log }).getRepository({ owner: 'a', repo: 'b' });
    expect(repo.permissions).toBeUndefined();
    expect(repo.private).toBe(false);
    expect(gh.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('fails with the same errors as listIssues, without waiting out a rate limit', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const cases: Array<[Answer, Record<string, unknown>]> = [
      [{ status: 404, body: notFound }, { code: 'not_found' }],
      [
        { status: 401, body: { message: 'Bad credentials' } },
        { status: 401, retryable: false },
      ],
      [
        {
          status: 403,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
          body: { message: 'API rate limit exceeded for user ID 1.' },
        },
        { status: 403, retryable: true },
      ],
      [
        { status: 429, headers: { 'retry-after': '60' }, body: { message: 'secondary rate limit' } },
        { status: 429, retryable: true },
      ],
      [
        { status: 403, body: { message: 'Resource protected by SAML' } },
        { status: 403, retryable: false },
      ],
    ];
    for (const [answer, expected] of cases) {
      const gh = await github(() => answer);
      const started = Date.now();
      const err = await rejection(
        new OctokitTracker({ baseUrl: gh.url, log }).getRepository({
          owner: 'acme',
          repo: 'app',
          token: 't',
        }),
      );
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject(expected);
      expect(gh.seen, JSON.stringify(answer)).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });

  it('tries a 5xx once more, then reports GitHub unavailable', async () => {
    const gh = await github(() => ({ status: 503, body: { message: 'Service Unavailable' } }));
    const err = await rejection(
      new OctokitTracker({ baseUrl: gh.url, log }).getRepository({ owner: 'acme', repo: 'app' }),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'upstream_unavailable', status: 503, retryable: true });
    expect(gh.seen).toHaveLength(2);
  });

  it('says GitHub could not be reached when nothing answers', async () => {
    const gh = await github(() => ({}));
    const closed = gh.url;
    await servers.pop()?.();
    const err = await rejection(
      new OctokitTracker({ baseUrl: closed, log }).getRepository({ owner: 'acme', repo: 'app' }),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ retryable: true, message: 'GitHub could not be reached' });
    expect((err as UpstreamError).status).toBeUndefined();
  });

  it('refuses an answer of unexpected shape', async () => {
    const gh = await github(() => ({ body: { full_name: 'acme/app' } }));
    const err = await rejection(
      new OctokitTracker({ baseUrl: gh.url, log }).getRepository({ owner: 'acme', repo: 'app' }),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ retryable: false });
  });
});
