import { commitIdentityArgs, type GitIdentity } from '../../git/commit-identity.js';
import { safeGitConfigArgs } from '../../git/safe-git-config.js';
import { shellQuote } from '../../text/shell-quote.js';

/**
 * Where the runner keeps the repository: the working tree the agent edits, and the git directory
 * outside it (root-owned, so the agent can read history but not rewrite refs, hooks or config).
 */
export interface RepoPaths {
  workspace: string;
  gitDir: string;
}

function line(words: string[]): string {
  return words.map(shellQuote).join(' ');
}

/** A git command on the cloned repository, naming its git directory and working tree explicitly. */
export function repoGit(paths: RepoPaths, args: string[], withToken = false): string {
  return line([
    'git',
    `--git-dir=${paths.gitDir}`,
    `--work-tree=${paths.workspace}`,
    ...safeGitConfigArgs({ withToken }),
    ...args,
  ]);
}

export function cloneCommand(
  url: string,
  paths: RepoPaths,
  opts: { branch?: string | undefined; depth?: number | undefined; withToken: boolean },
): string {
  const args = ['clone', '--no-tags', `--separate-git-dir=${paths.gitDir}`];
  if (opts.branch) args.push('--branch', opts.branch);
  if (opts.depth) args.push(`--depth=${opts.depth}`);
  return line([
    'git',
    ...safeGitConfigArgs({ withToken: opts.withToken }),
    ...args,
    '--',
    url,
    paths.workspace,
  ]);
}

export function commitCommand(paths: RepoPaths, message: string, author: GitIdentity): string {
  return repoGit(paths, [...commitIdentityArgs(author), 'commit', '--quiet', '--no-verify', '-m', message]);
}

export function pushCommand(paths: RepoPaths, branch: string, withToken: boolean): string {
  return repoGit(paths, ['push', '--no-verify', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], withToken);
}

/** Run as the agent's user: lets its own git read the root-owned repository (git refuses otherwise). */
export function trustWorkspaceCommand(workspace: string): string {
  return line(['git', 'config', '--global', '--add', 'safe.directory', workspace]);
}
