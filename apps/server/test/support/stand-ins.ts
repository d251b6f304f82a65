import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a stand-in received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a stand-in answers; a non-string body is sent as JSON. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Route = (req: RecordedRequest, base: string) => Reply | Promise<Reply>;

/** A local HTTP server playing a third-party service: records every request, answers by route. */
export interface StandIn {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers the next requests with these replies, in order, before the route takes over again. */
  enqueue(...replies: Reply[]): void;
  close(): Promise<void>;
}

const notFound: Route = () => ({ status: 404, body: { message: 'Not Found' } });

/** Starts a stand-in on a free port of 127.0.0.1. */
export async function startStandIn(route: Route = notFound): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const queued: Reply[] = [];
  let base = '';
  const answer = async (req: RecordedRequest): Promise<Reply> => {
    try {
      return queued.shift() ?? (await route(req, base));
    } catch (err) {
      return { status: 500, body: { message: String(err) } };
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', base);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void answer(recorded).then((reply) => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    enqueue: (...replies) => queued.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A route that forwards to another server (set later with `target`), recording what passed. */
export function forwardTo(target: () => string, answered: Array<{ path: string; status: number }>): Route {
  return async (req) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    }
    const qs = req.query.toString();
    const res = await fetch(`${target()}${req.path}${qs ? `?${qs}` : ''}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
    });
    answered.push({ path: req.path, status: res.status });
    return { status: res.status, body: await res.text() };
  };
}

// --- GitHub REST API ------------------------------------------------------------------------------

/** A GitHub issue as `GET /repos/{owner}/{repo}/issues` lists it. */
export interface GithubIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  html_url: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  labels: Array<{ id: number; name: string; color: string }>;
  comments: number;
  pull_request?: { url: string; html_url: string };
  [extra: string]: unknown;
}

export function githubIssue(
  repo: string,
  number: number,
  updatedAt: string,
  extra: Partial<GithubIssue> = {},
): GithubIssue {
  return {
    id: 1_000_000 + number,
    node_id: `I_kwDO${number}`,
    number,
    title: `Issue ${number}`,
    body: `Body of issue ${number}`,
    state: 'open',
    html_url: `https://github.com/${repo}/issues/${number}`,
    user: { login: 'octocat', id: 1, type: 'User' },
    labels: [{ id: 208045946, name: 'bug', color: 'f29513' }],
    comments: 0,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updatedAt,
    closed_at: null,
    author_association: 'NONE',
    ...extra,
  };
}

/**
 * `GET /repos/{owner}/{repo}/issues` as GitHub serves it: `since` keeps issues updated at or after
 * it, oldest update first, `pageSize` per page with a `Link` header to the next and last pages.
 * Unknown repositories answer 404 like GitHub does.
 */
export function githubIssuesApi(repos: Map<string, GithubIssue[]>, pageSize: number): Route {
  return (req, base) => {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(req.path);
    const issues = m ? repos.get(`${m[1]}/${m[2]}`) : undefined;
    if (req.method !== 'GET' || !issues) {
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      };
    }
    const since = req.query.get('since');
    const matching = issues
      .filter((i) => since === null || i.updated_at >= since)
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at));
    const page = Number(req.query.get('page') ?? '1');
    const last = Math.max(1, Math.ceil(matching.length / pageSize));
    const headers: Record<string, string> = {};
    if (page < last) {
      const link = (p: number) => {
        const q = new URLSearchParams(req.query);
        q.set('page', String(p));
        return `${base}${req.path}?${q}`;
      };
      headers.link = `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`;
    }
    return { headers, body: matching.slice((page - 1) * pageSize, page * pageSize) };
  };
}

/** What one token may do in a repository, as GitHub reports it in `permissions`. */
export interface GithubPermissions {
  admin: boolean;
  push: boolean;
  pull: boolean;
}

/** A repository the stand-in knows, and which tokens can see it. */
export interface GithubRepoFixture {
  repository: Record<string, unknown> & { full_name: string; private: boolean };
  access: Record<string, GithubPermissions>;
}

/** A repository as `GET /repos/{owner}/{repo}` answers it (abridged), without `permissions`. */
export function githubRepository(
  fullName: string,
  extra: Record<string, unknown> = {},
): GithubRepoFixture['repository'] {
  const [owner = '', name = ''] = fullName.split('/');
  return {
    id: 1_296_269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name,
    full_name: fullName,
    owner: { login: owner, id: 1, type: 'Organization' },
    private: false,
    html_url: `https://github.com/${fullName}`,
    description: null,
    fork: false,
    url: `https://api.github.com/repos/${fullName}`,
    created_at: '2024-01-26T19:01:12Z',
    updated_at: '2026-01-26T19:14:43Z',
    pushed_at: '2026-01-26T19:06:43Z',
    default_branch: 'main',
    open_issues_count: 0,
    visibility: 'public',
    ...extra,
  };
}

/**
 * `GET /repos/{owner}/{repo}` as GitHub serves it: a token it does not know → 401 (Bad
 * credentials); a repository the caller cannot see (private without access, or unknown) → 404; else
 * the repository, with the token's `permissions` only when the request was authenticated (a public
 * repository gives any known token pull rights). Names match case-insensitively, like GitHub's.
 */
export function githubReposApi(repos: Map<string, GithubRepoFixture>, knownTokens: Set<string>): Route {
  const notFoundReply: Reply = {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  };
  return (req) => {
    const m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(req.path);
    if (req.method !== 'GET' || !m) return notFoundReply;
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' ? /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1] : undefined;
    if (auth !== undefined && (token === undefined || !knownTokens.has(token))) {
      return {
        status: 401,
        body: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
      };
    }
    const fixture = repos.get(`${m[1]}/${m[2]}`.toLowerCase());
    if (!fixture) return notFoundReply;
    if (token === undefined) return fixture.repository.private ? notFoundReply : { body: fixture.repository };
    const permissions =
      fixture.access[token] ??
      (fixture.repository.private ? undefined : { admin: false, push: false, pull: true });
    if (!permissions) return notFoundReply;
    return {
      body: { ...fixture.repository, permissions: { ...permissions, maintain: false, triage: false } },
    };
  };
}

// --- Reddit -------------------------------------------------------------------------------------

export interface RedditPostData {
  id: string;
  name: string;
  title: string;
  selftext: string;
  author: string;
  permalink: string;
  url: string;
  created_utc: number;
  subreddit: string;
  score: number;
  num_comments: number;
  [extra: string]: unknown;
}

export function redditPost(
  subreddit: string,
  id: string,
  extra: Partial<RedditPostData> = {},
): { kind: 't3'; data: RedditPostData } {
  const permalink = `/r/${subreddit}/comments/${id}/post_${id}/`;
  return {
    kind: 't3',
    data: {
      id,
      name: `t3_${id}`,
      title: `Post ${id} in r/${subreddit}`,
      selftext: `Text of post ${id}`,
      author: 'some_redditor',
      permalink,
      url: `https://www.reddit.com${permalink}`,
      created_utc: 1_767_225_600,
      subreddit,
      subreddit_name_prefixed: `r/${subreddit}`,
      score: 3,
      num_comments: 1,
      over_18: false,
      ...extra,
    },
  };
}

export function redditListing(children: unknown[]) {
  return {
    kind: 'Listing',
    data: { after: null, dist: children.length, modhash: '', geo_filter: '', children, before: null },
  };
}

/**
 * Reddit's listings (`/r/{sub}/new.json` anonymously, `/r/{sub}/new` with OAuth) and its token
 * endpoint. Subreddits not in `posts` answer 404.
 */
export function redditApi(posts: Map<string, unknown[]>, accessToken = 'reddit-access-token'): Route {
  return (req) => {
    if (req.method === 'POST' && req.path === '/api/v1/access_token') {
      return { body: { access_token: accessToken, token_type: 'bearer', expires_in: 86_400, scope: '*' } };
    }
    const m = /^\/r\/([^/]+)\/new(\.json)?$/.exec(req.path);
    const children = m ? posts.get(decodeURIComponent(m[1] as string)) : undefined;
    if (req.method !== 'GET' || !children) return { status: 404, body: { message: 'Not Found', error: 404 } };
    return { body: redditListing(children) };
  };
}

// --- GitHub OAuth (sign-in with GitHub) ------------------------------------------------------------

/** A GitHub account the OAuth stand-in knows: its token, `GET /user` and `GET /user/emails` answers. */
export interface GithubOAuthAccount {
  token: string;
  user: { id: number; login: string; name: string | null };
  emails: Array<{
    email: string;
    primary: boolean;
    verified: boolean;
    visibility: 'public' | 'private' | null;
  }>;
}

export interface GithubOAuthFixture {
  clientId: string;
  clientSecret: string;
  /** Authorization codes GitHub would hand out, each usable once, → the account that approved. */
  codes: Map<string, GithubOAuthAccount>;
}

/** A GitHub account as `GET /user` and `GET /user/emails` describe it (abridged). */
export function githubOAuthAccount(
  id: number,
  login: string,
  email: string,
  extra: Partial<Pick<GithubOAuthAccount, 'emails'>> & { name?: string | null } = {},
): GithubOAuthAccount {
  return {
    token: `gho_${login}_${id}_token`,
    user: { id, login, name: extra.name === undefined ? `${login} (GitHub)` : extra.name },
    emails: extra.emails ?? [{ email, primary: true, verified: true, visibility: 'private' }],
  };
}

/**
 * GitHub's OAuth endpoints as documented: `POST /login/oauth/access_token` (JSON in and out; a bad,
 * used or foreign code answers 200 with `{error: "bad_verification_code"}`; a wrong client secret
 * `{error: "incorrect_client_credentials"}`), and `GET /user`, `GET /user/emails` for the token
 * (401 "Bad credentials" for any other).
 */
export function githubOAuthApi(fixture: GithubOAuthFixture): Route {
  const issued = new Map<string, GithubOAuthAccount>();
  return (req) => {
    if (req.method === 'POST' && req.path === '/login/oauth/access_token') {
      const body = JSON.parse(req.body || '{}') as Record<string, string | undefined>;
      if (body.client_id !== fixture.clientId || body.client_secret !== fixture.clientSecret) {
        return {
          body: {
            error: 'incorrect_client_credentials',
            error_description: 'The client_id and/or client_secret passed are incorrect.',
          },
        };
      }
      const code = body.code ?? '';
      const account = fixture.codes.get(code);
      if (!account) {
        return {
          body: {
            error: 'bad_verification_code',
            error_description: 'The code passed is incorrect or expired.',
          },
        };
      }
      fixture.codes.delete(code);
      issued.set(account.token, account);
      return {
        body: { access_token: account.token, token_type: 'bearer', scope: 'read:user,repo,user:email' },
      };
    }
    if (req.method !== 'GET' || (req.path !== '/user' && req.path !== '/user/emails')) {
      return { status: 404, body: { message: 'Not Found' } };
    }
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' ? /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1] : undefined;
    const account = token === undefined ? undefined : issued.get(token);
    if (!account) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    if (req.path === '/user/emails') return { body: account.emails };
    return {
      body: {
        ...account.user,
        node_id: `U_${account.user.id}`,
        type: 'User',
        html_url: `https://github.com/${account.user.login}`,
        email: null,
      },
    };
  };
}
