import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { OctokitTracker } from './octokit-tracker.js';

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A stand-in for `POST /repos/{owner}/{repo}/pulls`, answering as GitHub documents it. */
async function pullsApi(answer: (r: Received) => { status: number; body: unknown }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const log: Logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

describe('OctokitTracker.openDraft', () => {
  it('opens a draft pull request with the head, base, title and body, using the token', async () => {
    const api = await pullsApi(() => ({
      status: 201,
      body: { number: 42, html_url: 'https://github.com/acme/shop/pull/42', draft: true, state: 'open' },
    }));
    const tracker = new OctokitTracker({ baseUrl: api.url, log });
    const pr = await tracker.openDraft({
      owner: 'acme',
      repo: 'shop',
      head: 'fixloop/abc-def',
      base: 'main',
      title: 'Fix: cart total',
      body: 'Refs #7',
      token: 'ghp_secret',
    });
    expect(pr).toEqual({ url: 'https://github.com/acme/shop/pull/42', number: 42 });
    expect(api.received).toHaveLength(1);
    const [r] = api.received;
    expect(r?.method).toBe('POST');
    expect(r?.path).toBe('/repos/acme/shop/pulls');
    expect(r?.authorization).toBe('token ghp_secret');
    expect(r?.body).toMatchObject({
      head: 'fixloop/abc-def',
      base: 'main',
      title: 'Fix: cart total',
      body: 'Refs #7',
      draft: true,
    });
  });

  it("reports GitHub's reason when it refuses the pull request, and never retries without draft", async () => {
    const api = await pullsApi(() => ({
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          { resource: 'PullRequest', code: 'custom', message: 'No commits between main and fixloop/x' },
        ],
      },
    }));
    const tracker = new OctokitTracker({ baseUrl: api.url, log });
    const failure = await tracker
      .openDraft({ owner: 'acme', repo: 'shop', head: 'fixloop/x', base: 'main', title: 't', body: 'b' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toContain('No commits between main and fixloop/x');
    expect(api.received).toHaveLength(1);
    expect(api.received.every((r) => r.body.draft === true)).toBe(true);
  });
});
