import { describe, expect, it } from 'vitest';
import { GIT_NETWORK_ENV, pickEnv } from './git-env.js';

describe('pickEnv', () => {
  it('keeps the named variables the source has, and nothing else', () => {
    const source = { HTTPS_PROXY: 'http://proxy:3128', GITHUB_TOKEN: 'ghp_x', no_proxy: '', PATH: '/bin' };
    expect(pickEnv(source, GIT_NETWORK_ENV)).toEqual({ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '' });
  });
});
