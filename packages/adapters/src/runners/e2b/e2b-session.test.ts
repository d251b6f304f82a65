import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../../../test-support/free-port.js';
import { type E2bConnection, openE2bSession } from './e2b-session.js';
import type { SandboxSession } from './sandbox-session.js';
import { type StandInOptions, startE2bStandIn } from './stand-in/e2b-stand-in.js';

const KEY = 'e2b_0123456789abcdef0123456789abcdef';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

async function standIn(options: Partial<StandInOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-e2b-session-'));
  const e2b = await startE2bStandIn({ apiKey: KEY, home: dir, ...options });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), e2b.close);
  const conn: E2bConnection = {
    apiKey: KEY,
    template: 'kilocode-test',
    sandboxTimeoutMs: 600_000,
    requestTimeoutMs: 5_000,
    apiUrl: e2b.apiUrl,
    sandboxUrl: e2b.sandboxUrl,
    metadata: { fixloopJob: 'job-1' },
  };
  return { e2b, dir, conn };
}

async function open(conn: E2bConnection): Promise<SandboxSession> {
  const session = await openE2bSession(conn);
  cleanups.push(() => session.kill().catch(() => {}));
  return session;
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UpstreamError);
  return e as UpstreamError;
}

describe('openE2bSession against a local E2B stand-in', () => {
  it('creates the sandbox from the template with the key, timeout and metadata, and no sandbox-wide env', async () => {
    const { e2b, conn } = await standIn();
    const session = await open(conn);
    expect(session.id).toMatch(/^sbx/);
    expect(e2b.creates).toHaveLength(1);
    const [create] = e2b.creates;
    expect(create?.headers['x-api-key']).toBe(KEY);
    expect(create?.body).toMatchObject({
      templateID: 'kilocode-test',
      timeout: 600,
      metadata: { fixloopJob: 'job-1' },
    });
    expect(create?.body.envVars).toBeUndefined();
  });

  it('writes files and runs commands with per-command env, user and cwd, streaming whole lines', async () => {
    const { e2b, dir, conn } = await standIn();
    const session = await open(conn);
    await session.write(join(dir, 'state', 'task.md'), 'the task\n', { user: 'root' });
    expect(readFileSync(join(dir, 'state', 'task.md'), 'utf8')).toBe('the task\n');
    expect(e2b.files[0]).toMatchObject({ user: 'root', path: join(dir, 'state', 'task.md') });

    const out: string[] = [];
    const err: string[] = [];
    const result = await session.run(
      'printf "one\\ntw"; printf "o\\n$SECRET_FOR_THIS\\n"; pwd; echo oops >&2; exit 3',
      {
        cwd: dir,
        envs: { SECRET_FOR_THIS: 'only-here' },
        user: 'user',
        timeoutMs: 10_000,
        onStdout: (l) => out.push(l),
        onStderr: (l) => err.push(l),
      },
    );
    expect(result).toEqual({ exitCode: 3, timedOut: false });
    expect(out).toEqual(['one', 'two', 'only-here', dir]);
    expect(err).toEqual(['oops']);
    const seen = e2b.commands.at(-1);
    expect(seen).toMatchObject({ user: 'user', cwd: dir, envs: { SECRET_FOR_THIS: 'only-here' } });
    expect(seen?.argv.slice(0, 3)).toEqual(['/bin/bash', '-l', '-c']);

    const ok = await session.run('true', { timeoutMs: 10_000 });
    expect(ok).toEqual({ exitCode: 0, timedOut: false });
  });

  it('kills a command that runs past its timeout, and the sandbox once however often kill is called', async () => {
    const { e2b, conn } = await standIn();
    const session = await open(conn);
    const started = Date.now();
    const result = await session.run('sleep 30', { timeoutMs: 300 });
    expect(result).toEqual({ exitCode: null, timedOut: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => e2b.liveProcesses()).toBe(0);

    await Promise.all([session.kill(), session.kill()]);
    await session.kill();
    expect(e2b.kills).toEqual([session.id]);
  });

  it('stops waiting when the signal aborts, and a killed sandbox fails the command it was running', async () => {
    const { e2b, conn } = await standIn();
    const session = await open(conn);
    const controller = new AbortController();
    const waiting = session.run('echo started; sleep 30', {
      timeoutMs: 20_000,
      signal: controller.signal,
      onStdout: () => controller.abort(new Error('cancelled by the test')),
    });
    await expect(waiting).rejects.toThrow('cancelled by the test');

    const running = session.run('sleep 30', { timeoutMs: 20_000 });
    await expect.poll(() => e2b.liveProcesses()).toBeGreaterThan(0);
    await session.kill();
    const e = await failure(running);
    expect(e.retryable).toBe(true);
    expect(e.service).toBe('e2b');
    await expect.poll(() => e2b.liveProcesses()).toBe(0);
  });
});

describe('E2B failures become UpstreamErrors without the key', () => {
  it('a rejected key is final', async () => {
    const { conn } = await standIn();
    const e = await failure(openE2bSession({ ...conn, apiKey: `${KEY}-wrong` }));
    expect(e).toMatchObject({ retryable: false, status: 401 });
    expect(e.message).toBe('E2B sandbox creation (template kilocode-test) rejected the credentials (401)');
  });

  it('an unknown template is final and keeps what E2B said, a rate limit and a 5xx are retryable', async () => {
    const notFound = await standIn({
      createAnswer: {
        status: 404,
        body: { code: 404, message: `template 'kilocode-test' not found for key ${KEY}` },
      },
    });
    const e = await failure(openE2bSession(notFound.conn));
    expect(e).toMatchObject({ retryable: false, status: 404 });
    expect(e.message).toContain("answered 404: template 'kilocode-test' not found for key [redacted]");
    expect(e.message).not.toContain(KEY);

    const limited = await standIn({
      createAnswer: {
        status: 429,
        body: { code: 429, message: 'too many sandboxes' },
        headers: { 'retry-after': '1' },
      },
    });
    expect(await failure(openE2bSession(limited.conn))).toMatchObject({ retryable: true, status: 429 });

    const broken = await standIn({
      createAnswer: { status: 500, body: { code: 500, message: 'placement failed' } },
    });
    const e500 = await failure(openE2bSession(broken.conn));
    expect(e500).toMatchObject({ retryable: true, status: 500 });
    expect(e500.message).toContain('placement failed');

    const busy = await standIn({
      createAnswer: { status: 503, body: { code: 503, message: 'no capacity' } },
    });
    expect(await failure(openE2bSession(busy.conn))).toMatchObject({ retryable: true, status: 503 });
  });

  it('an API that does not answer in time, or cannot be reached, is retryable', async () => {
    const hanging = await standIn({ createHangs: true });
    const slow = await failure(openE2bSession({ ...hanging.conn, requestTimeoutMs: 300 }));
    expect(slow).toMatchObject({ retryable: true });
    expect(slow.message).toBe('E2B sandbox creation (template kilocode-test) timed out');

    const port = await freePort();
    const down = `http://127.0.0.1:${port}`;
    const refused = await failure(openE2bSession({ ...hanging.conn, apiUrl: down, sandboxUrl: down }));
    expect(refused.message).toBe('E2B sandbox creation (template kilocode-test) could not be reached');
    expect(refused.retryable).toBe(true);
  });

  it('a failed kill rejects with the status, not the key', async () => {
    const { conn } = await standIn({
      killAnswer: { status: 500, body: { code: 500, message: `boom ${KEY}` } },
    });
    const session = await openE2bSession(conn);
    const e = await failure(session.kill());
    expect(e).toMatchObject({ retryable: true, status: 500 });
    expect(e.message).not.toContain(KEY);
  });
});
