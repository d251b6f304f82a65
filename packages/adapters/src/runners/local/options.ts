import { tmpdir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import type { GitIdentity } from '../../git/commit-identity.js';
import { checkEnvAllowlist, type SourceEnv } from './agent-env.js';
import { SYSTEM_DIRS } from './host-paths.js';

/**
 * What to do about bubblewrap. `refuse-unsandboxed` (the default) and `bwrap` both require it;
 * `unsandboxed-allowed` (CODING_AGENT_UNSANDBOXED=allow) runs the agent directly on the host when
 * bubblewrap is missing. Bubblewrap is used whenever it is found.
 */
export type SandboxPolicy = 'bwrap' | 'refuse-unsandboxed' | 'unsandboxed-allowed';

export interface LocalRunnerOptions {
  /**
   * CODING_AGENT_COMMAND: a shell command line run with `/bin/sh -c` in the workspace, with
   * `{task_file}` and `{workspace}` replaced by shell-quoted absolute paths. Not logged.
   */
  command: string;
  /**
   * The server's environment, where the allowlisted variables are read from (the composition root
   * passes `process.env`; nothing else of it reaches the agent).
   */
  environment: SourceEnv;
  /**
   * CODING_AGENT_ENV: names of server variables passed to the agent and validation commands (its
   * model key, …). PATH here replaces the sandbox's default PATH; HOME cannot be passed.
   */
  envAllowlist?: readonly string[] | undefined;
  /** CODING_AGENT_NETWORK=on: share the host's network (loopback services included); default off. */
  network?: boolean | undefined;
  /** CODING_AGENT_UNSANDBOXED=allow → `unsandboxed-allowed`; default `refuse-unsandboxed`. */
  sandbox?: SandboxPolicy | undefined;
  /** Wall clock for the agent, for each validation command and each git command; default 30 minutes. */
  timeoutMs?: number | undefined;
  /** After a timeout or cancel: SIGTERM, then SIGKILL this much later; default 5 s. */
  killGraceMs?: number | undefined;
  /**
   * Per process: output beyond this many bytes is drained but not logged (one line says so). The
   * process is not killed for it; the timeout bounds it. Default 1 MiB.
   */
  outputCapBytes?: number | undefined;
  /** Where job directories are made; default the OS temp directory. Never inside `readOnlyBinds`. */
  workRoot?: string | undefined;
  /** Extra absolute paths bound read-only into the sandbox, e.g. a toolchain under /opt. */
  readOnlyBinds?: readonly string[] | undefined;
  /** The commit's author and committer; default Fixloop <fixloop@users.noreply.github.com>. */
  identity?: GitIdentity | undefined;
  /** bubblewrap's path; default `bwrap` on the server's PATH. A missing file means no bubblewrap. */
  bwrapPath?: string | undefined;
  /** git's path; default `git` on the server's PATH. */
  gitPath?: string | undefined;
  /** Leave job directories in place (debugging); their path is logged. */
  keepWorkspaces?: boolean | undefined;
}

export interface LocalRunnerSettings {
  command: string;
  environment: SourceEnv;
  envAllowlist: readonly string[];
  network: boolean;
  sandbox: SandboxPolicy;
  timeoutMs: number;
  killGraceMs: number;
  outputCapBytes: number;
  workRoot: string;
  readOnlyBinds: readonly string[];
  identity: GitIdentity;
  bwrapPath: string | undefined;
  gitPath: string;
  keepWorkspaces: boolean;
}

export const DEFAULT_IDENTITY: GitIdentity = { name: 'Fixloop', email: 'fixloop@users.noreply.github.com' };

/** Options with defaults filled in; throws on a configuration that could not run safely. */
export function resolveLocalRunnerOptions(options: LocalRunnerOptions): LocalRunnerSettings {
  if (!options.command.trim()) throw new Error('the local runner needs a command (CODING_AGENT_COMMAND)');
  const envAllowlist = options.envAllowlist ?? [];
  checkEnvAllowlist(envAllowlist);
  const workRoot = resolve(options.workRoot ?? tmpdir());
  const readOnlyBinds = options.readOnlyBinds ?? [];
  for (const path of readOnlyBinds) {
    if (!isAbsolute(path)) throw new Error(`read-only bind "${path}" is not an absolute path`);
  }
  // A bound directory holding the work root would show every job's workspace to every agent.
  for (const path of [...readOnlyBinds, ...SYSTEM_DIRS]) {
    if (contains(resolve(path), workRoot))
      throw new Error(`read-only bind "${path}" contains the work root ${workRoot}`);
  }
  return {
    command: options.command,
    environment: options.environment,
    envAllowlist,
    network: options.network ?? false,
    sandbox: options.sandbox ?? 'refuse-unsandboxed',
    timeoutMs: positive(options.timeoutMs, 30 * 60_000, 'timeoutMs'),
    killGraceMs: positive(options.killGraceMs, 5_000, 'killGraceMs'),
    outputCapBytes: positive(options.outputCapBytes, 1024 * 1024, 'outputCapBytes'),
    workRoot,
    readOnlyBinds: readOnlyBinds.map((path) => resolve(path)),
    identity: options.identity ?? DEFAULT_IDENTITY,
    bwrapPath: options.bwrapPath,
    gitPath: options.gitPath ?? 'git',
    keepWorkspaces: options.keepWorkspaces ?? false,
  };
}

function contains(dir: string, path: string): boolean {
  const inside = relative(dir, path);
  return !inside.startsWith('..') && !isAbsolute(inside);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
