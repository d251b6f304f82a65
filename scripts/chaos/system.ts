import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';

const SERVE = resolve(import.meta.dirname, '../../apps/server/src/bin/serve.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One Fixloop process of the run (`serve.ts api` or `serve.ts worker`), its output appended to a log. */
export class FixloopProcess {
  private child: ChildProcess;
  private output = '';
  private exited: Promise<void>;

  constructor(
    readonly role: 'api' | 'worker',
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: WriteStream,
  ) {
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  static start(role: 'api' | 'worker', env: NodeJS.ProcessEnv, logPath: string): FixloopProcess {
    return new FixloopProcess(role, env, createWriteStream(logPath, { flags: 'a' }));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private spawn(): ChildProcess {
    this.output = '';
    // Its own process group: a crash of this process is a SIGKILL of its pid alone, and its
    // managed redis-server (a child) lives on, as it would after a real crash.
    const child = spawn(process.execPath, ['--import', 'tsx', SERVE, this.role], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const take = (d: Buffer) => {
      this.log.write(d);
      this.output = (this.output + d.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    return child;
  }

  private exitOf(child: ChildProcess): Promise<void> {
    return new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) done();
      else child.once('exit', () => done());
    });
  }

  /** Waits until the process says it is up (`fixloop is up` / `fixloop worker is up`). */
  async ready(timeoutMs = 60_000): Promise<void> {
    const text = this.role === 'api' ? 'fixloop is up' : 'fixloop worker is up';
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.role} exited with ${this.child.exitCode}: ${this.output.slice(-2_000)}`);
      }
      if (Date.now() > deadline) throw new Error(`${this.role} not up after ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  /** A crash: SIGKILL, no chance to clean up. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  restart(): void {
    this.log.write(`\n----- chaos: ${this.role} restarted at ${new Date().toISOString()} -----\n`);
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  /** A clean stop (SIGTERM); SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Closes the log once the process has exited. */
  async close(): Promise<void> {
    await this.exited;
    await new Promise<void>((done) => this.log.end(done));
  }
}

/** Pids of live processes whose command line mentions `marker` (the run's own temp dir). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Polls `check` until true; answers how long it took, or throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}
