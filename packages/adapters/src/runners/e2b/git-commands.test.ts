import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  cloneCommand,
  commitCommand,
  parseShortstat,
  pushCommand,
  repoGit,
  TOKEN_ENV,
} from './git-commands.js';

const paths = { workspace: '/home/user/workspace', gitDir: '/opt/fixloop/repo.git' };
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('git command lines', () => {
  it('name the git directory and working tree, and switch hooks and fsmonitor off', () => {
    expect(repoGit(paths, ['add', '--all'])).toBe(
      'git --git-dir=/opt/fixloop/repo.git --work-tree=/home/user/workspace -c core.hooksPath=/dev/null ' +
        '-c core.fsmonitor=false -c credential.helper= add --all',
    );
  });

  it('clone into the working tree with the git directory outside it, naming the branch when known', () => {
    const line = cloneCommand('https://github.com/acme/app.git', paths, { branch: 'main', withToken: false });
    expect(line).toContain('clone --no-tags --separate-git-dir=/opt/fixloop/repo.git --branch main');
    expect(line).toMatch(/-- https:\/\/github\.com\/acme\/app\.git \/home\/user\/workspace$/);
    expect(line).not.toContain('credential.helper=!');
  });

  it('quote a commit message whatever it holds', () => {
    const line = commitCommand(paths, "Fix: it's `broken` $(rm -rf /)\n\nbody", {
      name: 'Fixloop',
      email: 'f@x',
    });
    const argv = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0');
    expect(argv).toContain("Fix: it's `broken` $(rm -rf /)\n\nbody");
    expect(argv).toContain('user.name=Fixloop');
  });

  it('hand git the token through a credential helper that reads it from the environment', () => {
    const line = pushCommand(paths, 'fixloop/c1', true);
    expect(line).toContain('push --no-verify --quiet origin HEAD:refs/heads/fixloop/c1');
    expect(line).not.toContain(TOKEN);
    // Ask git itself, with the same -c options, what it would send to github.com.
    const helperArgs = line.slice(line.indexOf(' -c core.hooksPath'), line.indexOf(' push '));
    const answer = execFileSync('bash', ['-c', `git ${helperArgs} credential fill`], {
      input: 'protocol=https\nhost=github.com\n\n',
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', [TOKEN_ENV]: TOKEN },
      encoding: 'utf8',
    });
    expect(answer).toContain('username=x-access-token\n');
    expect(answer).toContain(`password=${TOKEN}\n`);
  });

  it('read shortstat lines', () => {
    expect(parseShortstat(' 3 files changed, 10 insertions(+), 2 deletions(-)')).toEqual({
      filesChanged: 3,
      insertions: 10,
      deletions: 2,
    });
    expect(parseShortstat(' 1 file changed, 1 insertion(+)')).toEqual({
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
    });
    expect(parseShortstat('')).toEqual({ filesChanged: 0, insertions: 0, deletions: 0 });
  });
});
