import { commitIdentityArgs, type GitIdentity } from '../../git/commit-identity.js';
import { safeGitConfigArgs } from '../../git/safe-git-config.js';

export function cloneArgs(input: {
  url: string;
  branch?: string | undefined;
  into: string;
  withToken: boolean;
}): string[] {
  const branch = input.branch ? ['--branch', input.branch] : [];
  return [
    ...safeGitConfigArgs({ withToken: input.withToken }),
    'clone',
    '--depth',
    '1',
    ...branch,
    '--',
    input.url,
    input.into,
  ];
}

export function pushArgs(branch: string, withToken: boolean): string[] {
  return [...safeGitConfigArgs({ withToken }), 'push', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`];
}

/** Commits everything staged with `identity`; the message comes on stdin (`-F -`). */
export function commitArgs(identity: GitIdentity): string[] {
  return [
    ...safeGitConfigArgs({ withToken: false }),
    ...commitIdentityArgs(identity),
    'commit',
    '--no-verify',
    '--cleanup=whitespace',
    '-F',
    '-',
  ];
}

/** A runner-side git command that never reaches the remote. */
export function localGitArgs(...args: string[]): string[] {
  return [...safeGitConfigArgs({ withToken: false }), ...args];
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
