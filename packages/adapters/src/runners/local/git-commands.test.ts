import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_HELPER,
  cloneArgs,
  commitArgs,
  gitConfigArgs,
  isBranchName,
  parseShortstat,
  pushArgs,
} from './git-commands.js';

describe('git arguments', () => {
  it('disables hooks and fsmonitor and resets credential helpers on every command', () => {
    const args = gitConfigArgs(false);
    expect(args).toEqual(
      expect.arrayContaining(['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'credential.helper=']),
    );
    expect(args.join(' ')).not.toContain('FIXLOOP_GIT_TOKEN');
    expect(gitConfigArgs(true).slice(-2)).toEqual(['-c', `credential.helper=${CREDENTIAL_HELPER}`]);
  });

  it('ends options before the URL so it cannot be read as one', () => {
    const args = cloneArgs({
      url: '--upload-pack=evil',
      branch: 'main',
      into: '/j/workspace',
      withToken: false,
    });
    expect(args.slice(-8)).toEqual([
      'clone',
      '--depth',
      '1',
      '--branch',
      'main',
      '--',
      '--upload-pack=evil',
      '/j/workspace',
    ]);
    expect(pushArgs('fixloop/c1', true).slice(-4)).toEqual([
      'push',
      '--no-verify',
      'origin',
      'HEAD:refs/heads/fixloop/c1',
    ]);
    expect(commitArgs({ name: 'Fixloop', email: 'f@x' })).toEqual(
      expect.arrayContaining(['user.name=Fixloop', 'user.email=f@x', 'commit', '--no-verify', '-F', '-']),
    );
  });

  it('has a credential helper that answers from its own environment', () => {
    const script = CREDENTIAL_HELPER.slice(1);
    const answer = (verb: string) =>
      execFileSync('/bin/sh', ['-c', `${script} "$@"`, 'helper', verb], {
        encoding: 'utf8',
        env: { FIXLOOP_GIT_TOKEN: 'ghs_a\\nb$c' },
      });
    expect(answer('get')).toBe('username=x-access-token\npassword=ghs_a\\nb$c\n');
    expect(answer('store')).toBe('');
  });
});

describe('isBranchName', () => {
  it('accepts ordinary branch names', () => {
    for (const name of ['main', 'fixloop/cluster-1/job_2', 'release-1.2', 'v1+x'])
      expect(isBranchName(name)).toBe(true);
  });

  it('refuses options, ref-format violations and odd characters', () => {
    for (const name of [
      '',
      '-b',
      '--force',
      '/x',
      'x/',
      'a..b',
      'a.lock',
      'x/.hidden',
      'a b',
      'a~1',
      'a:b',
      'a@{1}',
      '@',
      'ä',
      'a\n',
    ]) {
      expect(isBranchName(name)).toBe(false);
    }
  });
});

describe('parseShortstat', () => {
  it('reads files, insertions and deletions', () => {
    expect(parseShortstat(' 2 files changed, 3 insertions(+), 1 deletion(-)')).toEqual({
      filesChanged: 2,
      insertions: 3,
      deletions: 1,
    });
    expect(parseShortstat(' 1 file changed, 1 insertion(+)')).toEqual({
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
    });
    expect(parseShortstat('')).toEqual({ filesChanged: 0, insertions: 0, deletions: 0 });
  });
});
