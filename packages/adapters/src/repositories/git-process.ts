import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { secretScrubber } from '@fixloop/domain';
import { GIT_TOKEN_ENV } from '../git/credential-helper.js';
import { GIT_NETWORK_ENV, pickEnv } from '../git/git-env.js';
import { safeGitConfigArgs } from '../git/safe-git-config.js';

/** What git may inherit from the server's environment: how to reach the network, never its secrets. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', ...GIT_NETWORK_ENV, 'GIT_SSH_COMMAND', 'SSH_AUTH_SOCK'];

const STDERR_KEPT = 16_384;

export interface GitRunOptions {
  /** A repository's top directory: git runs there, its `.git` pinned (never a parent's repository). */
  repo?: string | undefined;
  token?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  /** Bytes of stdout kept; past it the process is killed and the result marked truncated. */
  maxStdout?: number;
  /** Written to stdin (then closed); stdin is closed at once without it. */
  input?: string;
}

export interface GitRunResult {
  stdout: Buffer;
  truncated: boolean;
}

/** A git command that failed; the message is already scrubbed of the token and URL credentials. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/**
 * Runs git with the safe `-c` options (automatic gc kept, in the foreground: the clone is reused)
 * and no prompts; with a token, our credential helper reading it from the child's environment.
 * Each command is its own process group, killed whole on timeout or abort (git forks remote
 * helpers and ssh).
 */
export class GitRunner {
  private readonly env: Record<string, string>;

  constructor(
    private readonly binary: string,
    inheritFrom: Record<string, string | undefined>,
  ) {
    const env = pickEnv(inheritFrom, INHERITED);
    env.GIT_SSH_COMMAND ??= 'ssh -o BatchMode=yes';
    this.env = {
      ...env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_LFS_SKIP_SMUDGE: '1',
      LC_ALL: 'C',
    };
  }

  run(args: string[], options: GitRunOptions): Promise<GitRunResult> {
    const env: Record<string, string> = { ...this.env };
    if (options.token) env[GIT_TOKEN_ENV] = options.token;
    if (options.repo !== undefined) env.GIT_DIR = join(options.repo, '.git');
    return new Promise((resolve, reject) => {
      options.signal?.throwIfAborted();
      const config = safeGitConfigArgs({ withToken: Boolean(options.token), housekeeping: 'foreground' });
      const child = spawn(this.binary, [...config, ...args], {
        cwd: options.repo,
        env,
        detached: true,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const kill = () => killGroup(child);
      const stdout = new BoundedOutput(options.maxStdout ?? DEFAULT_MAX_STDOUT, kill);
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', kill, { once: true });
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', kill);
      };
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
      });
      if (options.input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined); // EPIPE when git exits early; the exit code tells
        child.stdin.end(options.input);
      }
      child.on('error', (err) => {
        settle();
        reject(new GitCommandError(`git could not start: ${err.message}`, null, '', false));
      });
      child.on('close', (code) => {
        settle();
        if (options.signal?.aborted) reject(options.signal.reason);
        else if (stdout.truncated || (!timedOut && code === 0)) {
          resolve({ stdout: stdout.value(), truncated: stdout.truncated });
        } else reject(failure(args[0] ?? 'command', options, stderr, code, timedOut));
      });
    });
  }
}

const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Stdout kept up to `max` bytes; the first byte past it calls `onOverflow` (which stops git). */
class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(
    private readonly max: number,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.truncated) return;
    if (this.size + chunk.length > this.max) {
      this.chunks.push(chunk.subarray(0, this.max - this.size));
      this.size = this.max;
      this.truncated = true;
      this.onOverflow();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  value(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function failure(
  verb: string,
  options: GitRunOptions,
  stderr: string,
  code: number | null,
  timedOut: boolean,
): GitCommandError {
  const clean = secretScrubber([options.token])(stderr).trim();
  const why = timedOut ? `timed out after ${options.timeoutMs} ms` : lastLines(clean) || `exit ${code}`;
  return new GitCommandError(`git ${verb}: ${why}`, code, clean, timedOut);
}

/** The end of git's stderr, where the reason for a failure is, bounded for an error message. */
function lastLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('hint:'));
  return lines.slice(-3).join(' / ').slice(0, 500);
}
