import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HELPER } from '../../git/credential-helper.js';
import { safeGitConfigArgs } from '../../git/safe-git-config.js';
import { cloneArgs, commitArgs, isBranchName, localGitArgs, pushArgs } from './git-commands.js';

describe('git arguments', () => {
  it('start every command with the safe -c options, with our credential helper only where asked', () => {
    const safe = safeGitConfigArgs({ withToken: false });
    expect(localGitArgs('status')).toEqual([...safe, 'status']);
    expect(commitArgs({ name: 'F', email: 'f@x' }).slice(0, safe.length)).toEqual(safe);
    expect(pushArgs('b', false).join(' ')).not.toContain(CREDENTIAL_HELPER);
    expect(pushArgs('b', true)).toContain(`credential.helper=${CREDENTIAL_HELPER}`);
    expect(cloneArgs({ url: 'u', into: 'd', withToken: true })).toContain(
      `credential.helper=${CREDENTIAL_HELPER}`,
    );
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
