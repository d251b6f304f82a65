import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GIT_TOKEN_USERNAME } from '../credential-helper.js';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; repositories are under it by their directory name. */
  url: string;
  /** `METHOD /path?query` of every request, in order. */
  requests: string[];
  /** Requests with the right Basic credentials, and requests turned away. */
  counts: { authorized: number; rejected: number };
  /** Every Authorization header the server received. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * A GitHub stand-in for smart HTTP: the real `git http-backend` over the repositories in
 * `projectRoot` on 127.0.0.1, answering 401 unless the request carries Basic
 * `x-access-token:<token>` (as GitHub takes a token). Tests only.
 */
export async function startGitHttpServer(projectRoot: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${GIT_TOKEN_USERNAME}:${token}`).toString('base64')}`;
  const requests: string[] = [];
  const counts = { authorized: 0, rejected: 0 };
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const authorization = req.headers.authorization;
    if (authorization) authorizations.push(authorization);
    if (authorization !== expected) {
      counts.rejected += 1;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fixloop-test"' }).end();
      return;
    }
    counts.authorized += 1;
    serveGit(projectRoot, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    counts,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function serveGit(projectRoot: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = (name: string) => String(req.headers[name] ?? '');
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: '/nonexistent',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: header('content-type'),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      GIT_PROTOCOL: header('git-protocol'),
      REMOTE_USER: GIT_TOKEN_USERNAME,
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  // CGI output: headers (with `Status:`), a blank line, then the body.
  backend.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    started = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(end + 4));
  });
  backend.on('close', () => res.end());
}
