import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { components } from 'e2b';
import { EnvdStandIn, json, killGroup, readBody, type SandboxState } from './envd.js';

type NewSandbox = components['schemas']['NewSandboxV2'];
type CreatedSandbox = components['schemas']['Sandbox'];
type ApiError = components['schemas']['Error'];

export interface StandInOptions {
  /** The key `X-API-KEY` must carry. */
  apiKey: string;
  /** HOME for every command (a temp directory: commands must not touch the real one). */
  home: string;
  /** envd version reported on create; the SDK picks protocol features by it. */
  envdVersion?: string;
  /** An answer to give `POST /v2/sandboxes` instead of creating one (error cases). */
  createAnswer?: { status: number; body: ApiError; headers?: Record<string, string> };
  /** Never answer `POST /v2/sandboxes` (request timeouts). */
  createHangs?: boolean;
  /** An answer to give `DELETE /sandboxes/{id}` (the sandbox is still removed). */
  killAnswer?: { status: number; body: ApiError };
}

export interface CreateSeen {
  headers: IncomingHttpHeaders;
  body: NewSandbox;
}

/**
 * A local stand-in for E2B: the control-plane endpoints the SDK calls for `Sandbox.create` and
 * `kill`, shaped like its OpenAPI types, and an envd (see `EnvdStandIn`) on the same port.
 * Point the SDK at it with `apiUrl` and `sandboxUrl`.
 */
export async function startE2bStandIn(options: StandInOptions) {
  const sandboxes = new Map<string, SandboxState>();
  const envd = new EnvdStandIn(sandboxes, options.home);
  const creates: CreateSeen[] = [];
  const kills: string[] = [];

  const controlPlane = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.headers['x-api-key'] !== options.apiKey) {
      return json(res, 401, { code: 401, message: 'Invalid API key' } satisfies ApiError);
    }
    const killMatch = /^\/sandboxes\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && path === '/v2/sandboxes') {
      const body = JSON.parse((await readBody(req)).toString('utf8')) as NewSandbox;
      creates.push({ headers: req.headers, body });
      if (options.createHangs) return;
      const answer = options.createAnswer;
      if (answer) return void res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
      const id = `sbx${randomBytes(6).toString('hex')}`;
      const state: SandboxState = {
        id,
        accessToken: randomBytes(16).toString('hex'),
        alive: true,
        processes: new Map(),
        streams: new Set(),
      };
      sandboxes.set(id, state);
      const created: CreatedSandbox = {
        sandboxID: id,
        templateID: body.templateID,
        clientID: 'stand-in',
        envdVersion: options.envdVersion ?? '0.5.7',
        envdAccessToken: state.accessToken,
        domain: null,
      };
      return json(res, 201, created);
    }
    if (req.method === 'DELETE' && killMatch?.[1]) {
      const state = sandboxes.get(killMatch[1]);
      kills.push(killMatch[1]);
      if (!state?.alive)
        return json(res, 404, { code: 404, message: 'sandbox not found' } satisfies ApiError);
      state.alive = false;
      for (const stream of state.streams) stream.destroy();
      for (const pid of state.processes.keys()) killGroup(pid);
      if (options.killAnswer) return json(res, options.killAnswer.status, options.killAnswer.body);
      return void res.writeHead(204).end();
    }
    return json(res, 404, {
      code: 404,
      message: `${req.method} ${path} is not stood in for`,
    } satisfies ApiError);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const isEnvd = req.headers['e2b-sandbox-id'] !== undefined;
    const handled = isEnvd
      ? envd.handle(req, res, url.pathname, url.searchParams)
      : controlPlane(req, res, url.pathname);
    handled.catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { code: 500, message: (e as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: url,
    sandboxUrl: url,
    creates,
    kills,
    commands: envd.commands,
    files: envd.files,
    /** Processes still running in any sandbox. */
    liveProcesses: () => [...sandboxes.values()].reduce((n, s) => n + s.processes.size, 0),
    close: async () => {
      for (const state of sandboxes.values()) for (const pid of state.processes.keys()) killGroup(pid);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type E2bStandIn = Awaited<ReturnType<typeof startE2bStandIn>>;
