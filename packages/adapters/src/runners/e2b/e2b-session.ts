import { UpstreamError } from '@fixloop/domain';
import {
  AuthenticationError,
  CommandExitError,
  type CommandHandle,
  RateLimitError,
  Sandbox,
  SandboxError,
  ServiceBusyError,
  TemplateError,
} from 'e2b';
import { httpFailure, networkFailure, redact } from '../../http/upstream-failure.js';
import { lineSplitter } from '../../text/line-splitter.js';
import type { SandboxRunOptions, SandboxRunResult, SandboxSession } from './sandbox-session.js';

/** How to reach E2B and which sandbox to start. */
export interface E2bConnection {
  apiKey: string;
  /** Template name or id; it must hold git, bash and the agent's CLI. */
  template: string;
  /** The sandbox's lifetime: E2B destroys it after this long even if this process never says so. */
  sandboxTimeoutMs: number;
  /** Limit for each request to E2B (create, kill, upload, starting a command). */
  requestTimeoutMs: number;
  /** E2B's domain (`e2b.app` when absent); for self-hosted E2B. */
  domain?: string | undefined;
  /** The control-plane API's base URL, overriding the one derived from `domain` (tests, self-hosting). */
  apiUrl?: string | undefined;
  /** The sandboxes' envd base URL, overriding the per-sandbox host (tests point it at a stand-in). */
  sandboxUrl?: string | undefined;
  /** Labels shown in E2B's dashboard and listings (job and project ids; never secrets). */
  metadata?: Record<string, string> | undefined;
}

const SERVICE = 'e2b';

/** Starts a sandbox from the template; the returned session owns it until `kill`. */
export async function openE2bSession(conn: E2bConnection, signal?: AbortSignal): Promise<SandboxSession> {
  try {
    const sandbox = await Sandbox.create(conn.template, {
      apiKey: conn.apiKey,
      domain: conn.domain,
      apiUrl: conn.apiUrl,
      sandboxUrl: conn.sandboxUrl,
      // E2B_DEBUG in the environment would otherwise send every call to localhost.
      debug: false,
      timeoutMs: conn.sandboxTimeoutMs,
      requestTimeoutMs: conn.requestTimeoutMs,
      // Our job processors decide about retries.
      retries: 0,
      metadata: conn.metadata,
      signal,
    });
    return new E2bSession(sandbox, conn);
  } catch (e) {
    if (signal?.aborted) throw e;
    throw e2bFailure(e, `E2B sandbox creation (template ${conn.template})`, conn.apiKey);
  }
}

class E2bSession implements SandboxSession {
  private killed: Promise<void> | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly conn: E2bConnection,
  ) {}

  get id(): string {
    return this.sandbox.sandboxId;
  }

  async write(path: string, text: string, opts: { user?: string } = {}): Promise<void> {
    try {
      await this.sandbox.files.write(path, text, { user: opts.user });
    } catch (e) {
      throw e2bFailure(e, `the E2B sandbox (writing ${path})`, this.conn.apiKey);
    }
  }

  async run(command: string, opts: SandboxRunOptions): Promise<SandboxRunResult> {
    const stdout = lineSplitter(opts.onStdout ?? (() => {}));
    const stderr = lineSplitter(opts.onStderr ?? (() => {}));
    // Our own deadline rather than the SDK's: envd keeps a process running when its stream ends,
    // so a command that runs too long is killed here by pid.
    const stop = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort();
    }, opts.timeoutMs);
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let handle: CommandHandle | undefined;
    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      handle = await this.sandbox.commands.run(command, {
        background: true,
        cwd: opts.cwd,
        envs: opts.envs,
        user: opts.user,
        timeoutMs: 0,
        onStdout: (chunk) => stdout.push(chunk),
        onStderr: (chunk) => stderr.push(chunk),
        signal: stop.signal,
      });
      const result = await handle.wait();
      return { exitCode: result.exitCode, timedOut: false };
    } catch (e) {
      if (e instanceof CommandExitError) return { exitCode: e.exitCode, timedOut: false };
      if (timedOut) {
        await handle?.kill().catch(() => false);
        return { exitCode: null, timedOut: true };
      }
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw e2bFailure(e, 'the E2B sandbox', this.conn.apiKey);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      stdout.flush();
      stderr.flush();
    }
  }

  kill(): Promise<void> {
    this.killed ??= this.sandbox
      .kill({ requestTimeoutMs: this.conn.requestTimeoutMs })
      .then(() => undefined)
      .catch((e: unknown) => {
        throw e2bFailure(e, `E2B sandbox kill (${this.id})`, this.conn.apiKey);
      });
    return this.killed;
  }
}

function statusOf(e: unknown): number | undefined {
  if (e instanceof AuthenticationError) return 401;
  if (e instanceof RateLimitError || e instanceof ServiceBusyError) return e.statusCode;
  return e instanceof SandboxError ? e.statusCode : undefined;
}

/**
 * Maps what the SDK threw to an `UpstreamError`: API statuses keep their meaning (401 and 4xx are
 * final, 429 and 5xx retryable), a sandbox that stopped answering is retryable, and the API key is
 * never part of a message. Anything else (a bug of ours) is returned as it is.
 */
export function e2bFailure(e: unknown, what: string, apiKey: string): unknown {
  if (e instanceof UpstreamError) return e;
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : '';
  const status = statusOf(e);
  if (status !== undefined) {
    return httpFailure(SERVICE, what, status, undefined, message.replace(/^\d{3}: /, ''), apiKey);
  }
  if (e instanceof TemplateError) {
    return new UpstreamError(SERVICE, `${what}: ${redact(message, apiKey).slice(0, 300)}`, false);
  }
  if (e instanceof SandboxError) {
    return new UpstreamError(SERVICE, `${what} failed: ${redact(message, apiKey).slice(0, 300)}`, true);
  }
  if (e instanceof TypeError || (e instanceof Error && /^(TimeoutError|AbortError)$/.test(e.name))) {
    return networkFailure(SERVICE, what, e);
  }
  return e;
}
