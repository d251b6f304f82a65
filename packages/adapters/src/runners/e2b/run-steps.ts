import type { LogStream } from '@fixloop/contracts';
import { AgentRunError, type RunOutcome, type RunRequest, type ValidationResult } from '@fixloop/domain';
import type { GitIdentity } from '../../git/commit-identity.js';
import { GIT_TOKEN_ENV } from '../../git/credential-helper.js';
import { parseShortstat } from '../../git/shortstat.js';
import { shellQuote } from '../../text/shell-quote.js';
import { fillPlaceholders } from '../agent-command.js';
import {
  cloneCommand,
  commitCommand,
  pushCommand,
  type RepoPaths,
  repoGit,
  trustWorkspaceCommand,
} from './git-commands.js';
import type { SandboxRunResult, SandboxSession } from './sandbox-session.js';

/** Everything about a run that does not come from the request. */
export interface StepSettings {
  /** The agent's command line; `{task_file}` and `{workspace}` become shell-quoted paths. */
  command: string;
  /** Variables the agent (and only the agent) receives, e.g. its model provider's key. */
  agentEnv: Record<string, string>;
  /** Runs the agent and the validation commands; owns the working tree. */
  agentUser: string;
  /** Runs git and owns the git directory and the task file. */
  adminUser: string;
  /** The working tree the agent edits. */
  workspace: string;
  /** Root-owned: the git directory and the task file live here, outside the working tree. */
  stateDir: string;
  agentTimeoutMs: number;
  validationTimeoutMs: number;
  gitTimeoutMs: number;
  /** Output of one command beyond this many bytes is not logged. */
  outputCapBytes: number;
  author: GitIdentity;
  /** Shallow clone depth; a full clone when absent (agents read history). */
  cloneDepth?: number | undefined;
}

interface Exec {
  user: string;
  timeoutMs: number;
  envs?: Record<string, string>;
  cwd?: string;
}

/** One run's sandbox, request, settings and paths, with command helpers that log their output. */
class Steps {
  readonly paths: RepoPaths;
  readonly taskFile: string;
  readonly admin: Exec;
  /** For the git commands that talk to the remote: the token, when there is one, and no prompts. */
  readonly remote: Exec;

  constructor(
    readonly session: SandboxSession,
    readonly request: RunRequest,
    readonly s: StepSettings,
  ) {
    this.paths = { workspace: s.workspace, gitDir: `${s.stateDir}/repo.git` };
    this.taskFile = `${s.stateDir}/task.md`;
    this.admin = { user: s.adminUser, timeoutMs: s.gitTimeoutMs };
    const envs: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
    if (request.repository.token) envs[GIT_TOKEN_ENV] = request.repository.token;
    this.remote = { ...this.admin, envs };
  }

  get withToken(): boolean {
    return Boolean(this.request.repository.token);
  }

  /** Runs a command, logging its output under `step` up to the cap; stdout lines also go to `capture`. */
  exec(step: string, command: string, o: Exec, capture?: string[]): Promise<SandboxRunResult> {
    const { log, signal } = this.request;
    const cap = this.s.outputCapBytes;
    let logged = 0;
    const emit = (stream: LogStream) => (line: string) => {
      if (capture && stream === 'stdout') capture.push(line);
      const before = logged;
      logged += Buffer.byteLength(line) + 1;
      if (logged <= cap) log(step, stream, line);
      else if (before <= cap) log(step, 'info', `output beyond ${cap} bytes is not logged`);
    };
    return this.session.run(command, { ...o, signal, onStdout: emit('stdout'), onStderr: emit('stderr') });
  }

  /** Like `exec`, but anything other than exit 0 fails the run. */
  async must(step: string, what: string, command: string, o: Exec, capture?: string[]): Promise<void> {
    const r = await this.exec(step, command, o, capture);
    if (r.exitCode !== 0) throw new AgentRunError(`${what} failed (${describe(r)})`);
  }
}

/**
 * Clone, branch, agent, validation, commit and push inside one sandbox. The token reaches only the
 * git commands that talk to the remote, as a per-command variable a credential helper reads.
 */
export async function runSteps(
  session: SandboxSession,
  request: RunRequest,
  settings: StepSettings,
): Promise<RunOutcome> {
  const steps = new Steps(session, request, settings);
  const baseBranch = await prepareRepository(steps);
  await runAgent(steps);
  const stats = await stageChanges(steps);
  const validation = await validate(request, (command) =>
    steps.exec('validate', command, {
      user: settings.agentUser,
      cwd: settings.workspace,
      timeoutMs: settings.validationTimeoutMs,
    }),
  );
  const commitSha = await commitAndPush(steps);
  return { branch: request.branch, baseBranch, commitSha, validation, stats };
}

/** Clones as the admin user with the git directory outside the working tree; answers the base branch. */
async function prepareRepository(steps: Steps): Promise<string> {
  const { request, s, paths, admin } = steps;
  const { repository, branch } = request;
  request.log('clone', 'info', `cloning ${repository.owner}/${repository.name}`);
  await steps.must('clone', 'preparing the sandbox', `mkdir -p ${shellQuote(s.stateDir)}`, admin);
  const clone = cloneCommand(repository.url, paths, {
    branch: repository.defaultBranch,
    depth: s.cloneDepth,
    withToken: steps.withToken,
  });
  await steps.must('clone', 'git clone', clone, steps.remote);
  const head: string[] = [];
  if (!repository.defaultBranch) {
    const symbolicRef = repoGit(paths, ['symbolic-ref', '--short', 'HEAD']);
    await steps.must('clone', 'reading the default branch', symbolicRef, admin, head);
  }
  const baseBranch = repository.defaultBranch ?? head[0]?.trim() ?? '';
  if (!baseBranch) throw new AgentRunError('the repository has no default branch');
  await steps.must(
    'clone',
    'creating the branch',
    repoGit(paths, ['checkout', '--quiet', '-b', branch]),
    admin,
  );
  // The agent's user gets the working tree; the git directory and the task file stay the admin's.
  const handOver = `chown -R ${shellQuote(`${s.agentUser}:`)} ${shellQuote(s.workspace)} && chmod 0755 ${shellQuote(s.stateDir)}`;
  await steps.must('clone', 'handing the working tree to the agent', handOver, admin);
  await steps.session.write(steps.taskFile, request.task, { user: s.adminUser });
  const trust = trustWorkspaceCommand(s.workspace);
  await steps.must('clone', 'trusting the working tree', trust, {
    user: s.agentUser,
    timeoutMs: s.gitTimeoutMs,
  });
  return baseBranch;
}

async function runAgent(steps: Steps): Promise<void> {
  const { s, request } = steps;
  const command = fillPlaceholders(s.command, { taskFile: steps.taskFile, workspace: s.workspace });
  request.log('agent', 'info', `running: ${command}`);
  const agent = await steps.exec('agent', command, {
    user: s.agentUser,
    cwd: s.workspace,
    envs: s.agentEnv,
    timeoutMs: s.agentTimeoutMs,
  });
  if (agent.timedOut) throw new AgentRunError(`the agent did not finish within ${s.agentTimeoutMs / 1000} s`);
  if (agent.exitCode !== 0) throw new AgentRunError(`the agent exited with code ${agent.exitCode}`);
}

/**
 * Stages the agent's work in the admin-owned index, so what validation later writes is not
 * committed; fails when there is nothing to commit.
 */
async function stageChanges(steps: Steps): Promise<RunOutcome['stats']> {
  const { paths, admin } = steps;
  await steps.must('commit', 'git add', repoGit(paths, ['add', '--all']), admin);
  const changed = await steps.exec('commit', repoGit(paths, ['diff', '--cached', '--quiet']), admin);
  if (changed.exitCode === 0) throw new AgentRunError('agent made no changes');
  if (changed.exitCode !== 1) throw new AgentRunError(`git diff failed (${describe(changed)})`);
  const shortstat: string[] = [];
  await steps.must(
    'commit',
    'git diff',
    repoGit(paths, ['diff', '--cached', '--shortstat']),
    admin,
    shortstat,
  );
  return parseShortstat(shortstat.join('\n'));
}

async function commitAndPush(steps: Steps): Promise<string> {
  const { paths, admin, request, s } = steps;
  await steps.must('commit', 'git commit', commitCommand(paths, request.commitMessage, s.author), admin);
  const sha: string[] = [];
  await steps.must('commit', 'git rev-parse', repoGit(paths, ['rev-parse', 'HEAD']), admin, sha);
  const commitSha = sha[0]?.trim() ?? '';
  request.log('push', 'info', `pushing ${commitSha.slice(0, 12)} to ${request.branch}`);
  await steps.must('push', 'git push', pushCommand(paths, request.branch, steps.withToken), steps.remote);
  return commitSha;
}

async function validate(
  request: RunRequest,
  run: (command: string) => Promise<SandboxRunResult>,
): Promise<ValidationResult> {
  const commands: ValidationResult['commands'] = [];
  for (const command of request.plan.validation) {
    request.log('validate', 'info', `$ ${command}`);
    const r = await run(command);
    request.log('validate', 'info', `${r.exitCode === 0 ? 'passed' : 'failed'} (${describe(r)})`);
    commands.push({ command, exitCode: r.exitCode, timedOut: r.timedOut });
  }
  return { passed: commands.every((c) => c.exitCode === 0), commands };
}

function describe(r: SandboxRunResult): string {
  return r.timedOut ? 'timed out' : `exit ${r.exitCode}`;
}
