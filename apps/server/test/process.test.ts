import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';

const SERVE = resolve(import.meta.dirname, '../src/bin/serve.ts');
const dirs: string[] = [];

/** The environment of a fresh machine: no REDIS_URL, nothing inherited that configures Fixloop. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    ...extra,
  };
  return env;
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitReady(base: string, proc: Started, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`exited early: ${proc.stderr()} ${proc.stdout()}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${proc.stderr()}`);
}

async function waitForOutput(proc: Started, text: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.stdout().includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return proc.stdout();
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fixloop-proc-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the real process', () => {
  it('starts its own managed Redis, keeps data across restarts and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = cleanEnv({ DATA_DIR: dataDir, PORT: String(port) });

    const first = run(['all'], env);
    await waitReady(base, first);
    const tokenPath = join(dataDir, 'admin-token');
    const token = readFileSync(tokenPath, 'utf8').trim();
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'secrets-key')).mode & 0o777).toBe(0o600);
    expect(await waitForOutput(first, token)).toContain(token);
    // The managed Redis listens on a Unix socket under DATA_DIR, with AOF on.
    expect(existsSync(join(dataDir, 'redis', 'redis.sock'))).toBe(true);
    expect(readFileSync(join(dataDir, 'redis', 'redis.url'), 'utf8')).toContain('unix://');
    // Logs never carry the admin token.
    expect(first.stdout().split(token).length - 1).toBe(1);

    const posted = await fetch(`${base}/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Survives a restart', externalId: 'restart-1' }),
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    expect(await waitForOutput(first, id)).toContain(id);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'redis', 'redis.sock'))).toBe(false);

    const second = run(['all'], env);
    await waitReady(base, second);
    expect(second.stdout()).not.toContain(token);
    const got = await fetch(`${base}/feedback/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { title: string }).title).toBe('Survives a restart');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a second process on the same data dir (one managed Redis, one owner)', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = run(['all'], cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }));
    await waitReady(`http://127.0.0.1:${port}`, first);
    const second = run(['all'], cleanEnv({ DATA_DIR: dataDir, PORT: String(await freePort()) }));
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('REDIS_URL');
    // The first one is untouched: its Redis still answers.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'fixloop.pid'))).toBe(false);
  });

  it('explains how to install redis-server when the binary is missing, and exits non-zero', async () => {
    const proc = run(
      ['all'],
      cleanEnv({
        DATA_DIR: tempDir(),
        PORT: String(await freePort()),
        REDIS_SERVER_BIN: 'fixloop-no-such-redis',
      }),
    );
    const code = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.stderr()).toContain('apt-get install redis-server');
  });

  it('stops with a one-line message naming a bad variable', async () => {
    const proc = run(['all'], cleanEnv({ DATA_DIR: tempDir(), PORT: 'not-a-port' }));
    expect(await proc.exited).toBe(1);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
  });
});
