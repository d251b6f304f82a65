import { AgentRunError, type LogSink, secretScrubber } from '@fixloop/domain';
import { buildAgentEnv, buildGitEnv } from './agent-env.js';
import type { HostFacts } from './host-paths.js';
import type { JobDir } from './job-dir.js';
import type { LocalRunnerSettings } from './options.js';
import { type ProcessResult, runProcess } from './run-process.js';
import { bwrapArgs } from './sandbox-args.js';

/** Allowlisted values at least this long are treated as secrets and scrubbed from the log. */
const MIN_SECRET_CHARS = 12;

/** How commands of one job run: runner-side git on the host, everything else in the sandbox. */
export interface Sandbox {
  bwrap: string;
  host: HostFacts;
}

/** Runs the commands of one job and writes their output, scrubbed, to the job's log. */
export class JobShell {
  private readonly scrub: (line: string) => string;
  private readonly agentEnv: Record<string, string>;

  constructor(
    private readonly settings: LocalRunnerSettings,
    private readonly dir: JobDir,
    private readonly sink: LogSink,
    private readonly signal: AbortSignal,
    private readonly token: string | undefined,
    /** Null when running without a sandbox (only when the operator allowed it). */
    private readonly sandbox: Sandbox | null,
  ) {
    this.agentEnv = buildAgentEnv({
      allowlist: settings.envAllowlist,
      source: settings.environment,
      home: dir.home,
    });
    const allowlisted = settings.envAllowlist.map((name) => this.agentEnv[name]);
    this.scrub = secretScrubber([token, ...allowlisted.filter((v) => (v?.length ?? 0) >= MIN_SECRET_CHARS)]);
  }

  log(step: string, stream: 'stdout' | 'stderr' | 'info', line: string): void {
    this.sink(step, stream, this.scrub(line));
  }

  /**
   * A runner-side git command in `cwd` (default the workspace); answers its stdout lines. Throws
   * AgentRunError when it fails, times out or is cancelled. The token is in its env only when asked.
   */
  async git(
    step: string,
    args: string[],
    options: { withToken?: boolean; input?: string; cwd?: string } = {},
  ): Promise<string[]> {
    const out: string[] = [];
    const env = buildGitEnv({
      source: this.settings.environment,
      home: this.dir.root,
      token: options.withToken ? this.token : undefined,
    });
    const result = await this.spawn(step, [this.settings.gitPath, ...args], env, {
      cwd: options.cwd ?? this.dir.workspace,
      input: options.input,
      onStdout: (line) => out.push(line),
    });
    const verb = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? 'command';
    if (result.aborted) throw cancelled();
    if (result.timedOut)
      throw new AgentRunError(`git ${verb} timed out after ${formatDuration(this.settings.timeoutMs)}`);
    if (result.exitCode !== 0) throw new AgentRunError(`git ${verb} failed (${exitText(result)})`);
    return out;
  }

  /** A shell command line in the sandbox (or, when allowed, directly), in the workspace. */
  sandboxed(step: string, command: string): Promise<ProcessResult> {
    const shell = ['/bin/sh', '-c', command];
    const argv = this.sandbox
      ? [
          this.sandbox.bwrap,
          ...bwrapArgs({
            ...this.sandbox.host,
            readOnlyBinds: this.settings.readOnlyBinds,
            workspace: this.dir.workspace,
            taskFile: this.dir.taskFile,
            home: this.dir.home,
            network: this.settings.network,
          }),
          ...shell,
        ]
      : shell;
    return this.spawn(step, argv, this.agentEnv, { cwd: this.dir.workspace });
  }

  private async spawn(
    step: string,
    argv: string[],
    env: Record<string, string>,
    options: { cwd: string; input?: string | undefined; onStdout?: (line: string) => void },
  ): Promise<ProcessResult> {
    try {
      return await runProcess({
        argv,
        env,
        cwd: options.cwd,
        input: options.input,
        timeoutMs: this.settings.timeoutMs,
        killGraceMs: this.settings.killGraceMs,
        outputCapBytes: this.settings.outputCapBytes,
        signal: this.signal,
        onLine: (stream, line) => {
          if (stream === 'stdout') options.onStdout?.(line);
          this.log(step, stream, line);
        },
        onCapped: () =>
          this.log(step, 'info', `output beyond ${this.settings.outputCapBytes} bytes is not logged`),
      });
    } catch (e) {
      throw new AgentRunError(`could not start ${argv[0]}: ${(e as Error).message}`);
    }
  }
}

export function cancelled(): AgentRunError {
  return new AgentRunError('cancelled');
}

/** `exit code 3`, or `killed by a signal`. */
export function exitText(result: ProcessResult): string {
  return result.exitCode === null ? 'killed by a signal' : `exit code ${result.exitCode}`;
}

/** `30 min`, `90 s`, `0.7 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
