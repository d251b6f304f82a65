import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HELPER, GIT_TOKEN_ENV } from './credential-helper.js';
import { safeGitConfigArgs } from './safe-git-config.js';

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('CREDENTIAL_HELPER', () => {
  it('answers get from its own environment, byte for byte, and nothing else', () => {
    const script = CREDENTIAL_HELPER.slice(1);
    const answer = (verb: string) =>
      execFileSync('/bin/sh', ['-c', `${script} "$@"`, 'helper', verb], {
        encoding: 'utf8',
        env: { [GIT_TOKEN_ENV]: 'ghs_a\\nb$c' },
      });
    expect(answer('get')).toBe('username=x-access-token\npassword=ghs_a\\nb$c\n');
    expect(answer('store')).toBe('');
    expect(answer('erase')).toBe('');
  });

  it('is what git itself sends, with our -c options and the token only in the environment', () => {
    const answer = execFileSync('git', [...safeGitConfigArgs({ withToken: true }), 'credential', 'fill'], {
      input: 'protocol=https\nhost=github.com\n\n',
      env: { PATH: process.env.PATH, HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0', [GIT_TOKEN_ENV]: TOKEN },
      encoding: 'utf8',
    });
    expect(answer).toContain('username=x-access-token\n');
    expect(answer).toContain(`password=${TOKEN}\n`);
  });
});
