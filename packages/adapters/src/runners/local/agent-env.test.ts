import { describe, expect, it } from 'vitest';
import { GIT_TOKEN_ENV } from '../../git/credential-helper.js';
import { buildAgentEnv, buildGitEnv, checkEnvAllowlist, SAFE_PATH } from './agent-env.js';

const server = {
  PATH: '/opt/node/bin:/usr/bin',
  HOME: '/root',
  LANG: 'en_US.UTF-8',
  ANTHROPIC_API_KEY: 'sk-ant-1',
  GITHUB_TOKEN: 'ghp_server',
  FIXLOOP_SECRET_KEY: 'k',
  HTTPS_PROXY: 'http://proxy:3128',
};

describe('buildAgentEnv', () => {
  it('holds only PATH, HOME, LANG and the allowlisted variables', () => {
    const env = buildAgentEnv({
      allowlist: ['ANTHROPIC_API_KEY', 'MISSING'],
      source: server,
      home: '/job/home',
    });
    expect(env).toEqual({
      PATH: SAFE_PATH,
      HOME: '/job/home',
      LANG: 'en_US.UTF-8',
      ANTHROPIC_API_KEY: 'sk-ant-1',
    });
  });

  it('takes PATH from the server only when allowlisted, and defaults LANG', () => {
    const env = buildAgentEnv({ allowlist: ['PATH'], source: { PATH: '/opt/x/bin' }, home: '/h' });
    expect(env).toEqual({ PATH: '/opt/x/bin', HOME: '/h', LANG: 'C.UTF-8' });
  });
});

describe('checkEnvAllowlist', () => {
  it('refuses names that are not variables, HOME and the git token', () => {
    expect(() => checkEnvAllowlist(['OPENAI_API_KEY', '_X1'])).not.toThrow();
    expect(() => checkEnvAllowlist(['A=B'])).toThrow('not an environment variable name');
    expect(() => checkEnvAllowlist(['HOME'])).toThrow('HOME is always the sandbox home');
    expect(() => checkEnvAllowlist([GIT_TOKEN_ENV])).toThrow('reserved');
  });
});

describe('buildGitEnv', () => {
  it('keeps PATH and proxies, ignores global config and carries the token only when given', () => {
    const env = buildGitEnv({ source: server, home: '/job' });
    expect(env).toEqual({
      PATH: '/opt/node/bin:/usr/bin',
      HOME: '/job',
      LANG: 'C.UTF-8',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HTTPS_PROXY: 'http://proxy:3128',
    });
    expect(buildGitEnv({ source: server, home: '/job', token: 'ghs_t' })[GIT_TOKEN_ENV]).toBe('ghs_t');
  });
});
