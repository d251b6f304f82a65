import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';
import { END_STREAM_FLAG, envelope, readEnvelopes } from './connect-envelope.js';

/** A command the stand-in's envd started, as the SDK asked for it. */
export interface CommandSeen {
  sandboxId: string;
  /** The user from the `Authorization: Basic` header (recorded, not enforced: all run as us). */
  user: string | undefined;
  /** The shell command line (the SDK runs `/bin/bash -l -c <line>`). */
  line: string;
  argv: string[];
  cwd: string | undefined;
  envs: Record<string, string>;
  pid: number | undefined;
}

export interface FileSeen {
  sandboxId: string;
  user: string | undefined;
  path: string;
  text: string;
}

export interface SandboxState {
  id: string;
  accessToken: string;
  alive: boolean;
  processes: Map<number, ChildProcess>;
  /** Open command streams: cut, not ended, when the sandbox is killed (its VM is gone). */
  streams: Set<ServerResponse>;
}

interface StartRequest {
  process: { cmd: string; args?: string[]; envs?: Record<string, string>; cwd?: string };
}

/**
 * envd as the SDK talks to it: Connect RPC with JSON for `process.Process/Start` (a server
 * stream) and `SendSignal` (unary), and the plain HTTP `/files` upload and `/health`. Commands
 * run for real, on this machine, with a small clean environment whose HOME is `home`.
 */
export class EnvdStandIn {
  readonly commands: CommandSeen[] = [];
  readonly files: FileSeen[] = [];

  constructor(
    private readonly sandboxes: Map<string, SandboxState>,
    private readonly home: string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    const sandbox = this.sandboxes.get(String(req.headers['e2b-sandbox-id'] ?? ''));
    if (!sandbox?.alive) return json(res, 502, { code: 502, message: 'The sandbox was not found' });
    if (path === '/health') return void res.writeHead(204).end();
    if (req.headers['x-access-token'] !== sandbox.accessToken) {
      return json(res, 401, { code: 'unauthenticated', message: 'invalid access token' });
    }
    const body = await readBody(req);
    const user = basicUser(req.headers.authorization) ?? query.get('username') ?? undefined;
    if (path === '/files' && req.method === 'POST') return this.write(req, res, body, sandbox, user, query);
    if (path === '/process.Process/Start') return this.start(res, body, sandbox, user);
    if (path === '/process.Process/SendSignal') return this.signal(res, body, sandbox);
    return json(res, 404, { code: 'unimplemented', message: `${path} is not stood in for` });
  }

  private async write(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    sandbox: SandboxState,
    user: string | undefined,
    query: URLSearchParams,
  ) {
    const path = query.get('path') ?? '';
    const form = await new Request('http://envd/files', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body,
    }).formData();
    const file = form.get('file');
    if (!path || !(file instanceof Blob))
      return json(res, 400, { code: 400, message: 'path and file needed' });
    const text = await file.text();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    this.files.push({ sandboxId: sandbox.id, user, path, text });
    return json(res, 200, [{ name: basename(path), path, type: 'file' }]);
  }

  private start(res: ServerResponse, body: Buffer, sandbox: SandboxState, user: string | undefined) {
    const { process: p } = readEnvelopes(body)[0] as StartRequest;
    const args = p.args ?? [];
    const seen: CommandSeen = {
      sandboxId: sandbox.id,
      user,
      line: args.at(-1) ?? '',
      argv: [p.cmd, ...args],
      cwd: p.cwd,
      envs: p.envs ?? {},
      pid: undefined,
    };
    this.commands.push(seen);
    res.writeHead(200, { 'content-type': 'application/connect+json' });
    sandbox.streams.add(res);
    res.on('close', () => sandbox.streams.delete(res));
    const send = (chunk: Buffer) => {
      if (!res.destroyed && !res.writableEnded) res.write(chunk);
    };
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, LANG: 'C.UTF-8', ...seen.envs };
    // Like envd, a process outlives its stream: only SendSignal or killing the sandbox stops it.
    const child = spawn(p.cmd, args, { cwd: p.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', (e) => {
      send(envelope({ error: { code: 'internal', message: e.message } }, END_STREAM_FLAG));
      if (!res.writableEnded) res.end();
    });
    if (child.pid === undefined) return;
    const pid = child.pid;
    seen.pid = pid;
    sandbox.processes.set(pid, child);
    send(envelope({ event: { start: { pid } } }));
    const data = (stream: 'stdout' | 'stderr') => (b: Buffer) =>
      send(envelope({ event: { data: { [stream]: b.toString('base64') } } }));
    child.stdout?.on('data', data('stdout'));
    child.stderr?.on('data', data('stderr'));
    child.on('close', (code, signal) => {
      sandbox.processes.delete(pid);
      const status = signal ? `signal: ${signal}` : `exit status ${code}`;
      send(envelope({ event: { end: { exitCode: code ?? -1, exited: code !== null, status } } }));
      send(envelope({}, END_STREAM_FLAG));
      if (!res.writableEnded) res.end();
    });
  }

  private signal(res: ServerResponse, body: Buffer, sandbox: SandboxState) {
    const request = JSON.parse(body.toString('utf8')) as { process?: { pid?: number } };
    const pid = request.process?.pid ?? -1;
    if (!sandbox.processes.has(pid))
      return json(res, 404, { code: 'not_found', message: `no process ${pid}` });
    killGroup(pid);
    return json(res, 200, {});
  }
}

/** Kills a command and everything it started (each runs in its own process group). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function basicUser(header: string | undefined): string | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  return match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8').replace(/:$/, '') : undefined;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
