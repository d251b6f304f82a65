import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; repositories are under it by their directory name. */
  url: string;
  /** Requests with the right Basic credentials, and requests turned away. */
  counts: { authorized: number; rejected: number };
  /** Every Authorization header the server received. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * A GitHub stand-in for smart HTTP: `git http-backend` over the bare repositories in `projectRoot`,
 * answering 401 unless the request carries `x-access-token:<token>` as Basic credentials.
 */
export async function startGitHttpServer(projectRoot: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  const counts = { authorized: 0, rejected: 0 };
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
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
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
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
      PATH: '/usr/local/bin:/usr/bin:/bin',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: header('content-type'),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      GIT_PROTOCOL: header('git-protocol'),
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
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
  backend.stdout.on('end', () => res.end());
}
