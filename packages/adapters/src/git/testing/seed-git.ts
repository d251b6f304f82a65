import { execFileSync } from 'node:child_process';

const SEED_ENV = {
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Seed',
  GIT_AUTHOR_EMAIL: 'seed@example.invalid',
  GIT_COMMITTER_NAME: 'Seed',
  GIT_COMMITTER_EMAIL: 'seed@example.invalid',
};

/** Runs git on this machine, outside any sandbox, with no user or system config; answers trimmed stdout. Test setup only. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: SEED_ENV, encoding: 'utf8' }).trim();
}
