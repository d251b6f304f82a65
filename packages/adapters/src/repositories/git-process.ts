import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The variable the credential helper reads the token from: set in the git child's environment only. */
export const TOKEN_ENV = 'FIXLOOP_GIT_TOKEN';

// Git appends `get`/`store`/`erase`; only `get` answers. The helper's shell expands the token from
// the child's environment, so it never appears in argv, the URL or a config file.
const CREDENTIAL_HELPER = `!f() { test "$1" = get && echo username=x-access-token && echo "password=$${TOKEN_ENV}"; }; f`;

/** What git may inherit from the server's environment: how to reach the network, never its secrets. */
const INHERITED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'GIT_SSH_COMMAND',
  'SSH_AUTH_SOCK',
];

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

/** Removes the token (raw and URL-encoded) and any `user:password@` of a URL from a text. */
export function scrubSecrets(text: string, token: string | undefined): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
  if (token && token.length >= 4) {
    for (const form of new Set([token, encodeURIComponent(token)])) out = out.split(form).join('***');
  }
  return out;
}

/**
 * Runs git with no hooks, no fsmonitor, no configured credential helpers and no prompts; with a
 * token, a helper that reads it from the child's environment. Each command is its own process
 * group, killed whole on timeout or abort (git forks remote helpers and ssh).
 */
export class GitRunner {
  private readonly env: Record<string, string>;

  constructor(
    private readonly binary: string,
    inheritFrom: Record<string, string | undefined>,
  ) {
    const env: Record<string, string> = {};
    for (const name of INHERITED) {
      const value = inheritFrom[name];
      if (value !== undefined) env[name] = value;
    }
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
    if (options.token) env[TOKEN_ENV] = options.token;
    if (options.repo !== undefined) env.GIT_DIR = join(options.repo, '.git');
    return new Promise((resolve, reject) => {
      options.signal?.throwIfAborted();
      const child = spawn(this.binary, [...safetyArgs(options.token), ...args], {
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

/** `-c` options every command starts with: no hooks, no fsmonitor, no `ext::`, only our credentials. */
function safetyArgs(token: string | undefined): string[] {
  return [
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'core.fsmonitor=false',
    '-c',
    'protocol.ext.allow=never',
    '-c',
    'gc.autoDetach=false',
    '-c',
    'credential.helper=',
    ...(token ? ['-c', `credential.helper=${CREDENTIAL_HELPER}`] : []),
  ];
}

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
  const clean = scrubSecrets(stderr, options.token).trim();
  const why = timedOut ? `timed out after ${options.timeoutMs} ms` : lastLines(clean) || `exit ${code}`;
  return new GitCommandError(`git ${verb}: ${why}`, code, clean, timedOut);
}

/** The end of git's stderr, where the reason for a failure is, bounded for an error message. */
function lastLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('hint:'));
  return lines.slice(-3).join(' / ').slice(0, 500);
}
