import { shellQuote } from './shell-quote.js';

/** The per-command environment variable the credential helper reads the token from. */
export const TOKEN_ENV = 'FIXLOOP_GIT_TOKEN';

/**
 * Where the runner keeps the repository: the working tree the agent edits, and the git directory
 * outside it (root-owned, so the agent can read history but not rewrite refs, hooks or config).
 */
export interface RepoPaths {
  workspace: string;
  gitDir: string;
}

export interface Author {
  name: string;
  email: string;
}

// Git appends `get`/`store`/`erase` to the helper; only `get` answers. The token itself is
// expanded by the helper's shell from the command's environment, never written into argv.
const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; echo username=x-access-token; printf 'password=%s\\n' "$${TOKEN_ENV}"; }; f`;

/** `-c` options every runner-side git command starts with: no hooks, no fsmonitor, and the credentials. */
function safety(withToken: boolean): string[] {
  const base = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'credential.helper='];
  return withToken ? [...base, '-c', `credential.helper=${CREDENTIAL_HELPER}`] : base;
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
    ...safety(withToken),
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
  return line(['git', ...safety(opts.withToken), ...args, '--', url, paths.workspace]);
}

export function commitCommand(paths: RepoPaths, message: string, author: Author): string {
  return repoGit(paths, [
    '-c',
    `user.name=${author.name}`,
    '-c',
    `user.email=${author.email}`,
    'commit',
    '--quiet',
    '--no-verify',
    '--no-gpg-sign',
    '-m',
    message,
  ]);
}

export function pushCommand(paths: RepoPaths, branch: string, withToken: boolean): string {
  return repoGit(paths, ['push', '--no-verify', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], withToken);
}

/** Run as the agent's user: lets its own git read the root-owned repository (git refuses otherwise). */
export function trustWorkspaceCommand(workspace: string): string {
  return line(['git', 'config', '--global', '--add', 'safe.directory', workspace]);
}

/** `git diff --shortstat` → counts (absent parts are 0). */
export function parseShortstat(text: string): {
  filesChanged: number;
  insertions: number;
  deletions: number;
} {
  const count = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    filesChanged: count(/(\d+) files? changed/),
    insertions: count(/(\d+) insertions?\(\+\)/),
    deletions: count(/(\d+) deletions?\(-\)/),
  };
}
