import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { RedditClient, type RedditClientOptions } from './reddit-client.js';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
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

/** A local stand-in for Reddit: answers each request with `answer(seen, index)`. */
async function reddit(answer: (req: Seen, i: number) => Answer) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const s = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body,
      };
      seen.push(s);
      const a = answer(s, seen.length - 1);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function post(id: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 't3',
    data: {
      id,
      name: `t3_${id}`,
      title: `Post ${id}`,
      selftext: 'text',
      author: 'someone',
      permalink: `/r/rust/comments/${id}/x/`,
      created_utc: 1_767_225_600,
      subreddit: 'rust',
      ...extra,
    },
  };
}
const listing = (children: unknown[]) => ({
  kind: 'Listing',
  data: { after: null, dist: children.length, modhash: '', children, before: null },
});

const warnings: Array<{ obj: object; msg?: string }> = [];
const log: Logger = {
  info: () => {},
  debug: () => {},
  error: () => {},
  warn: (obj, msg) => {
    warnings.push({ obj, msg });
  },
};

const UA = 'test:fixloop:1.0 (by /u/tester)';

function client(base: string, extra: Partial<RedditClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = new RedditClient({
    baseUrl: base,
    oauthUrl: base,
    userAgent: UA,
    log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

async function upstreamError(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('RedditClient, anonymous', () => {
  it('reads /r/{sub}/new.json with its User-Agent and keeps only valid t3 posts', async () => {
    const r = await reddit(() => ({
      body: listing([
        post('a1'),
        { kind: 't1', data: { id: 'c1', body: 'a comment' } },
        post('BAD ID'),
        post('a2'),
      ]),
    }));
    const { c } = client(r.url, { limit: 25 });
    const posts = await c.fetchNew('rust');
    expect(posts.map((p) => p.data.id)).toEqual(['a1', 'a2']);
    expect(posts[0]).toMatchObject({
      kind: 't3',
      data: { title: 'Post a1', name: 't3_a1', subreddit: 'rust' },
    });
    expect(r.seen).toHaveLength(1);
    const [req] = r.seen;
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/r/rust/new.json');
    expect(req?.query.get('limit')).toBe('25');
    expect(req?.query.get('raw_json')).toBe('1');
    expect(req?.headers['user-agent']).toBe(UA);
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers.authorization).toBeUndefined();
  });

  it('waits as Retry-After says on a 429, then succeeds', async () => {
    const r = await reddit((_req, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Requests', error: 429 } }
        : { body: listing([post('ok1')]) },
    );
    const { c, sleeps } = client(r.url);
    warnings.length = 0;
    expect((await c.fetchNew('rust')).map((p) => p.data.id)).toEqual(['ok1']);
    expect(sleeps).toEqual([1000]);
    expect(r.seen).toHaveLength(2);
    expect(warnings).toEqual([
      {
        obj: { url: `${r.url}/r/rust/new.json`, wait: 1000, attempt: 0 },
        msg: 'Reddit rate limit (429): backing off',
      },
    ]);
  });

  it('falls back to x-ratelimit-reset, then to exponential waits, capped by maxBackoffMs', async () => {
    const r = await reddit((_req, i): Answer => {
      if (i === 0) return { status: 429, headers: { 'x-ratelimit-reset': '7' } };
      if (i === 1) return { status: 429, headers: { 'retry-after': '120' } };
      if (i === 2) return { status: 429 };
      return { body: listing([]) };
    });
    const { c, sleeps } = client(r.url, { maxBackoffMs: 5_000 });
    expect(await c.fetchNew('rust')).toEqual([]);
    expect(sleeps).toEqual([5_000, 5_000, 4_000]);
  });

  it('gives up after maxRetries 429s with a retryable upstream error', async () => {
    const r = await reddit(() => ({ status: 429, headers: { 'retry-after': '2' } }));
    const { c, sleeps } = client(r.url, { maxRetries: 2 });
    const err = await upstreamError(c.fetchNew('rust'));
    expect(err).toMatchObject({
      code: 'upstream_unavailable',
      service: 'reddit',
      status: 429,
      retryable: true,
    });
    expect(sleeps).toEqual([2000, 2000]);
    expect(r.seen).toHaveLength(3);
  });

  it('says whether other failures are worth retrying', async () => {
    const down = await reddit(() => ({ status: 503, body: 'upstream connect error' }));
    expect(await upstreamError(client(down.url).c.fetchNew('rust'))).toMatchObject({
      status: 503,
      retryable: true,
    });
    const banned = await reddit(() => ({ status: 403, body: { reason: 'private', error: 403 } }));
    expect(await upstreamError(client(banned.url).c.fetchNew('rust'))).toMatchObject({
      status: 403,
      retryable: false,
    });
    const odd = await reddit(() => ({ body: { kind: 't3', data: {} } }));
    const shape = await upstreamError(client(odd.url).c.fetchNew('rust'));
    expect(shape).toMatchObject({ retryable: false, status: 200 });
    expect(shape.message).toBe('r/rust: unexpected listing shape');
    const html = await reddit(() => ({ body: '<html>blocked</html>' }));
    expect((await upstreamError(client(html.url).c.fetchNew('rust'))).message).toBe(
      'r/rust: unexpected listing shape',
    );
  });

  it('reports an unreachable Reddit as retryable', async () => {
    const r = await reddit(() => ({}));
    await servers.splice(0)[0]?.();
    const err = await upstreamError(client(r.url).c.fetchNew('rust'));
    expect(err).toMatchObject({ retryable: true, message: 'Reddit could not be reached' });
  });
});

describe('RedditClient with OAuth (client credentials)', () => {
  const creds = { clientId: 'my-client', clientSecret: 'my-secret' };
  const basic = `Basic ${Buffer.from('my-client:my-secret').toString('base64')}`;

  async function oauthPair(token: (i: number) => Answer, listingAnswer: (i: number) => Answer) {
    let tokens = 0;
    let listings = 0;
    const www = await reddit((req) =>
      req.path === '/api/v1/access_token' ? token(tokens++) : { status: 404, body: { error: 404 } },
    );
    const oauth = await reddit(() => listingAnswer(listings++));
    return { www, oauth };
  }

  it('posts for a token once, then reads the OAuth listing with it', async () => {
    const { www, oauth } = await oauthPair(
      () => ({ body: { access_token: 'tok-1', token_type: 'bearer', expires_in: 86_400, scope: '*' } }),
      () => ({ body: listing([post('o1')]) }),
    );
    const { c } = client(www.url, { ...creds, oauthUrl: oauth.url });
    expect((await c.fetchNew('rust')).map((p) => p.data.id)).toEqual(['o1']);
    expect((await c.fetchNew('golang')).map((p) => p.data.id)).toEqual(['o1']);

    expect(www.seen).toHaveLength(1);
    const [t] = www.seen;
    expect(t?.method).toBe('POST');
    expect(t?.headers.authorization).toBe(basic);
    expect(t?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(t?.headers['user-agent']).toBe(UA);
    expect(t?.body).toBe('grant_type=client_credentials');

    expect(oauth.seen.map((s) => s.path)).toEqual(['/r/rust/new', '/r/golang/new']);
    for (const s of oauth.seen) {
      expect(s.headers.authorization).toBe('bearer tok-1');
      expect(s.headers['user-agent']).toBe(UA);
      expect(s.query.get('limit')).toBe('100');
    }
  });

  it('asks for a new token when the old one is about to expire', async () => {
    const { www, oauth } = await oauthPair(
      (i) => ({ body: { access_token: `tok-${i}`, expires_in: 30 } }),
      () => ({ body: listing([]) }),
    );
    const { c } = client(www.url, { ...creds, oauthUrl: oauth.url });
    await c.fetchNew('rust');
    await c.fetchNew('rust');
    expect(www.seen).toHaveLength(2);
    expect(oauth.seen.map((s) => s.headers.authorization)).toEqual(['bearer tok-0', 'bearer tok-1']);
  });

  it('drops a token the listing rejects, so the next poll gets a fresh one', async () => {
    const { www, oauth } = await oauthPair(
      (i) => ({ body: { access_token: `tok-${i}`, expires_in: 86_400 } }),
      (i) =>
        i === 0 ? { status: 401, body: { message: 'Unauthorized', error: 401 } } : { body: listing([]) },
    );
    const { c } = client(www.url, { ...creds, oauthUrl: oauth.url });
    expect(await upstreamError(c.fetchNew('rust'))).toMatchObject({ status: 401, retryable: false });
    expect(await c.fetchNew('rust')).toEqual([]);
    expect(oauth.seen.map((s) => s.headers.authorization)).toEqual(['bearer tok-0', 'bearer tok-1']);
  });

  it('reports a token answer of the wrong shape', async () => {
    const { www, oauth } = await oauthPair(
      () => ({ body: { error: 'invalid_grant' } }),
      () => ({ body: listing([]) }),
    );
    const err = await upstreamError(client(www.url, { ...creds, oauthUrl: oauth.url }).c.fetchNew('rust'));
    expect(err.message).toBe('Reddit token endpoint answered an unexpected shape');
    expect(err.retryable).toBe(false);
    expect(oauth.seen).toHaveLength(0);
  });

  it('reports rejected client credentials as such, not as an unreachable Reddit', async () => {
    const { www, oauth } = await oauthPair(
      () => ({ status: 401, body: { message: 'Unauthorized', error: 401 } }),
      () => ({ body: listing([]) }),
    );
    const err = await upstreamError(client(www.url, { ...creds, oauthUrl: oauth.url }).c.fetchNew('rust'));
    expect(err).toMatchObject({ status: 401, retryable: false, message: 'Reddit answered 401' });
    expect(oauth.seen).toHaveLength(0);
  });
});
