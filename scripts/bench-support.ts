import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type RedisServerHandle, startRedisServer } from '../apps/server/src/infra/managed-redis.js';
import { freePort } from '../test-support/free-port.js';

export interface BenchSystem {
  base: string;
  /** Every API process's base URL (`base` is the first), in the order of `roles`. */
  bases: string[];
  adminToken: string;
  redis: RedisServerHandle;
  redisUrl: string;
  processes: ChildProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the real system for a benchmark: a throwaway redis-server (AOF on, everysec, like the
 * managed default) and Fixloop processes of the given roles, logging at info to a file.
 */
export async function startBenchSystem(
  roles: string[] = ['all'],
  env: Record<string, string> = {},
  /** Extra node flags for the Fixloop processes (`--cpu-prof`, another `--import`). */
  nodeArgs: string[] = [],
): Promise<BenchSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-bench-'));
  const redis = await startRedisServer({
    bin: 'redis-server',
    dir: join(dir, 'redis'),
    listen: { port: await freePort() },
    appendOnly: true,
    fsync: 'everysec',
  });
  const adminToken = `bench-admin-${Date.now()}-token`;
  const processes: ChildProcess[] = [];
  const bases: string[] = [];
  for (const role of roles) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ...nodeArgs, resolve(import.meta.dirname, '../apps/server/src/bin/serve.ts'), role],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          REDIS_URL: redis.url,
          DATA_DIR: join(dir, `data-${processes.length}`),
          ADMIN_TOKEN: adminToken,
          SECRETS_KEY: 'bench-secrets-key-0123456789abcdef0123456789',
          PORT: String(port),
          LOG_LEVEL: 'info',
          ...env,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    processes.push(child);
    if (role !== 'worker') bases.push(`http://127.0.0.1:${port}`);
    if (role !== 'worker') await waitReady(`http://127.0.0.1:${port}`, child);
  }
  return {
    base: bases[0] ?? '',
    bases,
    adminToken,
    redis,
    redisUrl: redis.url,
    processes,
    async stop() {
      await Promise.all(
        processes.map(
          (p) =>
            new Promise<void>((done) => {
              if (p.exitCode !== null) return done();
              p.once('exit', () => done());
              p.kill('SIGTERM');
            }),
        ),
      );
      await redis.stop();
    },
  };
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${base} did not become ready`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export async function api<T>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** One measured step: its timings and how many rows the last one showed or returned. */
export interface Sample {
  name: string;
  ms: number[];
  rows: number;
}

/** Prints samples as a table: count, p50, p95 and max in milliseconds, and the rows. */
export function printTable(title: string, samples: Sample[]): void {
  const width = Math.max(12, ...samples.map((s) => s.name.length));
  const cell = (v: string | number) => String(v).padStart(8);
  console.log(`\n${title}`);
  console.log(`  ${'step'.padEnd(width)} ${['n', 'p50', 'p95', 'max', 'rows'].map(cell).join('')}`);
  for (const s of samples) {
    const sorted = [...s.ms].sort((a, b) => a - b);
    const ms = [50, 95, 100].map((p) => Math.round(percentile(sorted, p)));
    console.log(`  ${s.name.padEnd(width)} ${[sorted.length, ...ms, s.rows].map(cell).join('')}`);
  }
}

const WEB = resolve(import.meta.dirname, '../apps/web');

function newestUnder(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestUnder(join(path, name))));
}

/** Builds the dashboard when `apps/web/dist` is missing or older than its sources (the server serves it). */
export function ensureWebBuilt(): void {
  const built = join(WEB, 'dist/index.html');
  const sources = Math.max(...['src', 'index.html', 'vite.config.ts'].map((p) => newestUnder(join(WEB, p))));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('building the dashboard…');
  execFileSync('npm', ['run', 'build', '-w', '@fixloop/web'], { cwd: resolve(WEB, '../..'), stdio: 'pipe' });
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchBenchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
