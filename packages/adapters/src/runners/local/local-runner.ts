import {
  AgentRunError,
  type RunOutcome,
  type RunRequest,
  type SandboxRunner,
  type ValidationResult,
} from '@fixloop/domain';
import { type DiffStats, parseShortstat } from '../../git/shortstat.js';
import { fillPlaceholders } from '../agent-command.js';
import { SAFE_PATH } from './agent-env.js';
import { cloneArgs, commitArgs, isBranchName, localGitArgs, pushArgs } from './git-commands.js';
import { findBubblewrap, probeHost } from './host-paths.js';
import { createJobDir, type JobDir, removeJobDir } from './job-dir.js';
import { cancelled, exitText, formatDuration, JobShell, type Sandbox } from './job-shell.js';
import { type LocalRunnerOptions, type LocalRunnerSettings, resolveLocalRunnerOptions } from './options.js';

/**
 * Runs the operator's coding agent on this machine inside bubblewrap: clones into a fresh job
 * directory, runs the agent, commits its changes, runs the plan's validation in the same sandbox
 * and pushes the branch. The job directory is removed afterwards.
 */
export class LocalSandboxRunner implements SandboxRunner {
  readonly name = 'local';
  private readonly settings: LocalRunnerSettings;

  constructor(options: LocalRunnerOptions) {
    this.settings = resolveLocalRunnerOptions(options);
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const started = Date.now();
    const sandbox = await this.findSandbox();
    for (const name of [request.branch, request.repository.defaultBranch]) {
      if (name !== undefined && !isBranchName(name)) {
        throw new AgentRunError(`"${name}" is not a valid branch name`);
      }
    }
    if (request.signal.aborted) throw cancelled();
    const dir = await createJobDir(this.settings.workRoot, request.task);
    const shell = new JobShell(
      this.settings,
      dir,
      request.log,
      request.signal,
      request.repository.token,
      sandbox,
    );
    try {
      const baseBranch = await clone(shell, dir, request);
      await runAgent(shell, dir, this.settings, sandbox !== null);
      const { commitSha, stats } = await commit(shell, this.settings, request.commitMessage);
      const validation = await validate(shell, request.plan.validation, this.settings.timeoutMs);
      shell.log('push', 'info', `pushing ${request.branch}`);
      await shell.git('push', pushArgs(request.branch, Boolean(request.repository.token)), {
        withToken: true,
      });
      return {
        branch: request.branch,
        baseBranch,
        commitSha,
        validation,
        stats: { ...stats, validationPassed: validation.passed, durationMs: Date.now() - started },
      };
    } finally {
      if (this.settings.keepWorkspaces) shell.log('cleanup', 'info', `keeping the job directory ${dir.root}`);
      else await removeJobDir(dir.root);
    }
  }

  /** Bubblewrap when found; null (no sandbox) only when the operator allowed it; else a refusal. */
  private async findSandbox(): Promise<Sandbox | null> {
    const searchPath = this.settings.environment.PATH || SAFE_PATH;
    const bwrap = await findBubblewrap(this.settings.bwrapPath, searchPath);
    if (bwrap) return { bwrap, host: await probeHost() };
    if (this.settings.sandbox === 'unsandboxed-allowed') return null;
    const where = this.settings.bwrapPath ? ` at ${this.settings.bwrapPath}` : ' on PATH';
    throw new AgentRunError(
      `bubblewrap (bwrap) was not found${where}: install it (apt-get install bubblewrap), ` +
        'or set CODING_AGENT_UNSANDBOXED=allow to run the agent without a sandbox',
    );
  }
}

/** Clones the default branch (shallow) and creates the job's branch; answers the base branch. */
async function clone(shell: JobShell, dir: JobDir, request: RunRequest): Promise<string> {
  const { url, defaultBranch, token } = request.repository;
  shell.log('clone', 'info', `cloning ${url}${defaultBranch ? ` (${defaultBranch})` : ''}`);
  const args = cloneArgs({ url, branch: defaultBranch, into: dir.workspace, withToken: Boolean(token) });
  await shell.git('clone', args, { withToken: true, cwd: dir.root });
  const base =
    defaultBranch ?? (await shell.git('clone', localGitArgs('symbolic-ref', '--short', 'HEAD')))[0];
  if (!base) throw new AgentRunError('could not tell the cloned branch');
  await shell.git('clone', localGitArgs('checkout', '-b', request.branch));
  shell.log('clone', 'info', `created ${request.branch} from ${base}`);
  return base;
}

async function runAgent(shell: JobShell, dir: JobDir, settings: LocalRunnerSettings, sandboxed: boolean) {
  const network = settings.network ? 'on' : 'off';
  shell.log(
    'agent',
    'info',
    sandboxed
      ? `running the agent in bubblewrap (network ${network}, timeout ${formatDuration(settings.timeoutMs)})`
      : 'WARNING: bubblewrap not found; running the agent WITHOUT a sandbox (CODING_AGENT_UNSANDBOXED=allow)',
  );
  const command = fillPlaceholders(settings.command, { taskFile: dir.taskFile, workspace: dir.workspace });
  const result = await shell.sandboxed('agent', command);
  if (result.aborted) throw cancelled();
  if (result.timedOut) throw new AgentRunError(`agent timed out after ${formatDuration(settings.timeoutMs)}`);
  if (result.exitCode !== 0) {
    throw new AgentRunError(
      result.exitCode === null ? 'agent was killed by a signal' : `agent exited with code ${result.exitCode}`,
    );
  }
  shell.log('agent', 'info', 'agent finished');
}

/**
 * Commits the agent's changes before validation runs, so the pushed commit holds exactly what the
 * agent wrote: validation commands (plan text, possibly model-written) cannot add to it.
 */
async function commit(
  shell: JobShell,
  settings: LocalRunnerSettings,
  message: string,
): Promise<{ commitSha: string; stats: DiffStats }> {
  const status = await shell.git('commit', localGitArgs('status', '--porcelain', '--untracked-files=all'));
  if (status.length === 0) throw new AgentRunError('agent made no changes');
  await shell.git('commit', localGitArgs('add', '-A'));
  await shell.git('commit', commitArgs(settings.identity), { input: message });
  const [commitSha] = await shell.git('commit', localGitArgs('rev-parse', 'HEAD'));
  if (!commitSha) throw new AgentRunError('git rev-parse gave no commit');
  const [shortstat] = await shell.git(
    'commit',
    localGitArgs('diff', '--shortstat', '--no-ext-diff', '--no-textconv', 'HEAD~1', 'HEAD'),
  );
  return { commitSha, stats: parseShortstat(shortstat ?? '') };
}

/** Runs each validation command in the sandbox; failures and timeouts are reported, not thrown. */
async function validate(
  shell: JobShell,
  commands: readonly string[],
  timeoutMs: number,
): Promise<ValidationResult> {
  const results: ValidationResult['commands'] = [];
  for (const command of commands) {
    shell.log('validate', 'info', `$ ${command}`);
    const result = await shell.sandboxed('validate', command);
    if (result.aborted) throw cancelled();
    shell.log(
      'validate',
      'info',
      result.timedOut ? `timed out after ${formatDuration(timeoutMs)}` : exitText(result),
    );
    results.push({ command, exitCode: result.timedOut ? null : result.exitCode, timedOut: result.timedOut });
  }
  return { passed: results.every((r) => r.exitCode === 0 && !r.timedOut), commands: results };
}
