import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type KeeperEvents, keepRedisAlive } from './redis-keeper.js';

export class RedisBinaryMissingError extends Error {
  override readonly name = 'RedisBinaryMissingError';
  constructor(bin: string) {
    super(
      `"${bin}" was not found. Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), ` +
        'or set REDIS_URL to a Redis you run yourself.',
    );
  }
}

export interface RedisServerOptions {
  bin: string;
  dir: string;
  /** Listen on a Unix socket (the managed default) or on 127.0.0.1:port (tests). */
  listen: { socket: true } | { port: number };
  appendOnly: boolean;
  fsync?: 'everysec' | 'always';
  readyTimeoutMs?: number;
  /** Start the server again whenever it dies (until `stop`), reporting each restart. */
  keepAlive?: KeeperEvents;
}

export interface RedisServerHandle {
  url: string;
  /** The running server's pid (a kept-alive server gets a new one with each restart). */
  readonly pid: number | undefined;
  /** True when a server this data dir had started earlier was still running and was adopted. */
  adopted: boolean;
  stop(): Promise<void>;
}

const MAX_SOCKET_PATH = 100;

/** Where the managed server's socket lives (under the data dir unless that path is too long). */
export function socketPathFor(dir: string): string {
  const inDir = join(resolve(dir), 'redis.sock');
  if (inDir.length <= MAX_SOCKET_PATH) return inDir;
  const digest = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `fixloop-redis-${digest}.sock`);
}

/** Sends PING over a socket or port; true on +PONG. */
export function pingRedis(
  target: { path: string } | { port: number; host?: string },
  timeoutMs = 500,
): Promise<'pong' | 'loading' | 'down'> {
  return new Promise((done) => {
    const sock = 'path' in target ? connect(target.path) : connect(target.port, target.host ?? '127.0.0.1');
    let buf = '';
    const finish = (r: 'pong' | 'loading' | 'down') => {
      sock.destroy();
      done(r);
    };
    sock.setTimeout(timeoutMs, () => finish('down'));
    sock.on('error', () => finish('down'));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n'))
        finish(buf.startsWith('+PONG') ? 'pong' : buf.startsWith('-LOADING') ? 'loading' : 'down');
    });
  });
}

/**
 * Starts a `redis-server` child treated as a database: AOF on (when asked), `noeviction`, its data
 * in `dir`. On a Unix socket it opens no TCP port, so it never clashes with another Redis. With
 * `keepAlive`, a server that dies is started again on the same data (see redis-keeper.ts).
 */
export async function startRedisServer(opts: RedisServerOptions): Promise<RedisServerHandle> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = 'socket' in opts.listen ? socketPathFor(dir) : undefined;
  const target = socket ? { path: socket } : { port: (opts.listen as { port: number }).port };
  const url = socket ? `unix://${socket}` : `redis://127.0.0.1:${(opts.listen as { port: number }).port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;

  let child: ChildProcess | undefined;
  /** Adopts a server that answers on the socket already, else starts a fresh one. */
  const startOrAdopt = async (): Promise<{ pid: number | undefined; adopted: boolean }> => {
    if (socket) {
      const state = await pingRedis({ path: socket });
      if (state !== 'down') {
        // A server this data dir started earlier (its parent was killed) still owns the data: adopt it.
        await waitReady(target, undefined, readyTimeoutMs);
        child = undefined;
        return { pid: await serverPid(target), adopted: true };
      }
      rmSync(socket, { force: true });
    }
    child = await spawnServer(opts, dir, socket, target, readyTimeoutMs);
    return { pid: child.pid, adopted: false };
  };
  const { pid, adopted } = await startOrAdopt();
  writeFileSync(join(dir, 'redis.url'), `${url}\n`);

  const keeper =
    opts.keepAlive && pid !== undefined
      ? keepRedisAlive({
          pid,
          revive: async () => {
            const revived = (await startOrAdopt()).pid;
            if (revived === undefined) throw new Error('the restarted redis-server did not tell its pid');
            return revived;
          },
          events: opts.keepAlive,
        })
      : undefined;
  return {
    url,
    get pid() {
      return keeper ? keeper.pid() : pid;
    },
    adopted,
    async stop() {
      await keeper?.stop();
      if (child) await stopChild(child);
      else await shutdownVia(target);
    },
  };
}

function spawnServer(
  opts: RedisServerOptions,
  dir: string,
  socket: string | undefined,
  target: { path: string } | { port: number },
  readyTimeoutMs: number,
): Promise<ChildProcess> {
  const args = [
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    opts.fsync ?? 'everysec',
  ];
  if (socket) args.push('--port', '0', '--unixsocket', socket, '--unixsocketperm', '700');
  else args.push('--port', String((opts.listen as { port: number }).port), '--bind', '127.0.0.1');

  const child = spawn(opts.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new RedisBinaryMissingError(opts.bin) : err),
    );
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2_000);
  });
  return Promise.race([
    waitReady(target, child, readyTimeoutMs, () => stderr, dir).then(() => child),
    spawnError,
  ]);
}

/** The server's own pid, from `INFO server` (an adopted server is no child of ours). */
export function serverPid(
  target: { path: string } | { port: number; host?: string },
  timeoutMs = 2_000,
): Promise<number | undefined> {
  return new Promise((done) => {
    const sock = 'path' in target ? connect(target.path) : connect(target.port, target.host ?? '127.0.0.1');
    let buf = '';
    const finish = (pid: number | undefined) => {
      sock.destroy();
      done(pid);
    };
    sock.setTimeout(timeoutMs, () => finish(undefined));
    sock.on('error', () => finish(undefined));
    sock.on('connect', () => sock.write('INFO server\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const m = /process_id:(\d+)/.exec(buf);
      if (m) finish(Number(m[1]));
      else if (buf.startsWith('-')) finish(undefined);
    });
  });
}

async function waitReady(
  target: { path: string } | { port: number },
  child: ChildProcess | undefined,
  timeoutMs: number,
  stderr: () => string = () => '',
  dir?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(
        `redis-server exited with code ${child.exitCode}${dir ? ` (see ${join(dir, 'redis.log')})` : ''}: ${stderr().trim()}`,
      );
    }
    if ((await pingRedis(target)) === 'pong') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not become ready within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    // SIGTERM makes redis-server fsync the AOF and exit cleanly.
    child.kill('SIGTERM');
  });
}

function shutdownVia(target: { path: string } | { port: number }): Promise<void> {
  return new Promise((done) => {
    const sock = 'path' in target ? connect(target.path) : connect(target.port, '127.0.0.1');
    sock.on('error', () => done());
    sock.on('close', () => done());
    sock.on('connect', () => sock.write('SHUTDOWN\r\n'));
  });
}
