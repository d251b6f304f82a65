import { GIT_TOKEN_ENV } from './agent-env.js';

/** The commit's author and committer. */
export interface GitIdentity {
  name: string;
  email: string;
}

/**
 * Answers git's `get` with the token from the git process's own environment, so the token is never
 * in argv, a URL, a config file or the work tree. Single-quoted by git's `!` helper shell.
 */
export const CREDENTIAL_HELPER = `!f() { test "$1" = get || return 0; printf '%s\\n' username=x-access-token "password=$${GIT_TOKEN_ENV}"; }; f`;

/**
 * `-c` options for every runner-side git command. The agent wrote the work tree, so nothing in
 * it may run: no hooks, no fsmonitor, no submodule recursion, no background gc; credential helpers
 * from system config are dropped, and ours is added only for commands that reach the remote.
 */
export function gitConfigArgs(withToken: boolean): string[] {
  const settings = [
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'protocol.ext.allow=never',
    'submodule.recurse=false',
    'gc.auto=0',
    'maintenance.auto=false',
    'credential.helper=',
  ];
  if (withToken) settings.push(`credential.helper=${CREDENTIAL_HELPER}`);
  return settings.flatMap((setting) => ['-c', setting]);
}

export function cloneArgs(input: {
  url: string;
  branch?: string | undefined;
  into: string;
  withToken: boolean;
}): string[] {
  const branch = input.branch ? ['--branch', input.branch] : [];
  return [...gitConfigArgs(input.withToken), 'clone', '--depth', '1', ...branch, '--', input.url, input.into];
}

export function pushArgs(branch: string, withToken: boolean): string[] {
  return [...gitConfigArgs(withToken), 'push', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`];
}

/** Commits everything staged with `identity`; the message comes on stdin (`-F -`). */
export function commitArgs(identity: GitIdentity): string[] {
  return [
    ...gitConfigArgs(false),
    '-c',
    `user.name=${identity.name}`,
    '-c',
    `user.email=${identity.email}`,
    '-c',
    'commit.gpgSign=false',
    'commit',
    '--no-verify',
    '--cleanup=whitespace',
    '-F',
    '-',
  ];
}

/** A runner-side git command that never reaches the remote. */
export function localGitArgs(...args: string[]): string[] {
  return [...gitConfigArgs(false), ...args];
}

/** Whether `name` is a branch name git accepts, in plain ASCII, and no git option could be mistaken for. */
export function isBranchName(name: string): boolean {
  if (!name || name.length > 255 || name === '@') return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.endsWith('.lock') || name.includes('..') || name.includes('//') || name.includes('@{'))
    return false;
  if (name.split('/').some((part) => part.startsWith('.'))) return false;
  return /^[A-Za-z0-9._/+@=,-]+$/.test(name);
}

export interface DiffStats {
  filesChanged: number;
  insertions: number;
  deletions: number;
}

/** Reads `git diff --shortstat`'s one line (` 2 files changed, 3 insertions(+), 1 deletion(-)`). */
export function parseShortstat(line: string): DiffStats {
  const count = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    filesChanged: count(/(\d+) files? changed/),
    insertions: count(/(\d+) insertions?\(\+\)/),
    deletions: count(/(\d+) deletions?\(-\)/),
  };
}
