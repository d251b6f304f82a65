import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GIT_TOKEN_ENV } from '../../git/credential-helper.js';
import { cloneCommand, commitCommand, pushCommand, repoGit } from './git-commands.js';

const paths = { workspace: '/home/user/workspace', gitDir: '/opt/fixloop/repo.git' };
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('git command lines', () => {
  it('name the git directory and working tree, and switch hooks, fsmonitor, ext:: and submodules off', () => {
    expect(repoGit(paths, ['add', '--all'])).toBe(
      'git --git-dir=/opt/fixloop/repo.git --work-tree=/home/user/workspace -c core.hooksPath=/dev/null ' +
        '-c core.fsmonitor=false -c protocol.ext.allow=never -c submodule.recurse=false ' +
        '-c http.followRedirects=false -c gc.auto=0 -c maintenance.auto=false -c credential.helper= add --all',
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
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', [GIT_TOKEN_ENV]: TOKEN },
      encoding: 'utf8',
    });
    expect(answer).toContain('username=x-access-token\n');
    expect(answer).toContain(`password=${TOKEN}\n`);
  });
});
