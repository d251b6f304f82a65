import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HELPER, GIT_TOKEN_ENV } from './credential-helper.js';
import { safeGitConfigArgs } from './safe-git-config.js';

/** The `name=value` settings of a `-c` list, checking that every one is preceded by `-c`. */
function settingsOf(args: string[]): string[] {
  const settings = args.filter((_, i) => i % 2 === 1);
  expect(args.filter((_, i) => i % 2 === 0).every((flag) => flag === '-c')).toBe(true);
  return settings;
}

describe('safeGitConfigArgs', () => {
  it('disables hooks, fsmonitor, ext:: and submodule recursion, and resets credential helpers', () => {
    const settings = settingsOf(safeGitConfigArgs({ withToken: false }));
    expect(settings).toEqual(
      expect.arrayContaining([
        'core.hooksPath=/dev/null',
        'core.fsmonitor=false',
        'protocol.ext.allow=never',
        'submodule.recurse=false',
        'credential.helper=',
      ]),
    );
    expect(settings.join(' ')).not.toContain(GIT_TOKEN_ENV);
  });

  it('adds our credential helper last, after the reset, only with a token', () => {
    const args = safeGitConfigArgs({ withToken: true });
    expect(args.slice(-4)).toEqual([
      '-c',
      'credential.helper=',
      '-c',
      `credential.helper=${CREDENTIAL_HELPER}`,
    ]);
  });

  it('switches automatic gc off for throwaway clones and keeps it in the foreground for kept ones', () => {
    expect(settingsOf(safeGitConfigArgs({ withToken: false }))).toEqual(
      expect.arrayContaining(['gc.auto=0', 'maintenance.auto=false']),
    );
    const kept = settingsOf(safeGitConfigArgs({ withToken: false, housekeeping: 'foreground' }));
    expect(kept).toContain('gc.autoDetach=false');
    expect(kept).not.toContain('gc.auto=0');
  });
});
