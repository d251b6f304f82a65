import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { git } from '../git/testing/seed-git.js';

/** File contents by path; `{ link: target }` makes a symlink. */
export type RepoFiles = Record<string, string | Buffer | { link: string }>;

export interface LocalRepo {
  root: string;
  /** The repository's working copy (a normal repository, cloned over `file://`). */
  dir: string;
  url: string;
  /** Writes the files and commits them; answers the new commit. */
  commit(files: RepoFiles, message?: string): string;
  remove(): void;
}

/** A temp directory holding a real git repository on branch `main` with `files` committed. */
export function makeRepo(files: RepoFiles): LocalRepo {
  const root = mkdtempSync(join(tmpdir(), 'fixloop-repo-'));
  const dir = join(root, 'origin');
  mkdirSync(dir);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  const commit = (more: RepoFiles, message = 'change') => {
    for (const [path, content] of Object.entries(more)) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.link, full);
      else writeFileSync(full, content);
    }
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  commit(files, 'init');
  return {
    root,
    dir,
    url: pathToFileURL(dir).href,
    commit,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A `git` wrapper that logs each invocation's argv (and whether a token was in its env) to `log`. */
export function loggingGit(root: string): { bin: string; log: string } {
  const bin = join(root, 'git-logged');
  const log = join(root, 'git.log');
  writeFileSync(
    bin,
    `#!/bin/sh\nprintf '%s | token-env:%s\\n' "$*" "\${FIXLOOP_GIT_TOKEN:+yes}" >> '${log}'\nexec git "$@"\n`,
  );
  chmodSync(bin, 0o755);
  writeFileSync(log, '');
  return { bin, log };
}
