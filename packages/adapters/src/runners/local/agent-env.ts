import { GIT_TOKEN_ENV } from '../../git/credential-helper.js';
import { GIT_NETWORK_ENV, pickEnv } from '../../git/git-env.js';

/** PATH inside the sandbox unless the operator allowlists PATH itself. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The server's environment, as the composition root hands it over. */
export type SourceEnv = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws when an allowlisted name is not a variable name, or is one the runner sets itself. */
export function checkEnvAllowlist(names: readonly string[]): void {
  for (const name of names) {
    if (!NAME.test(name)) throw new Error(`CODING_AGENT_ENV: "${name}" is not an environment variable name`);
    if (name === 'HOME') throw new Error('CODING_AGENT_ENV: HOME is always the sandbox home');
    if (name === GIT_TOKEN_ENV) throw new Error(`CODING_AGENT_ENV: ${GIT_TOKEN_ENV} is reserved for git`);
  }
}

/**
 * The agent's (and validation commands') whole environment, built from nothing: a fixed PATH, HOME,
 * LANG and the allowlisted variables the server has. An allowlisted PATH replaces the default.
 */
export function buildAgentEnv(input: {
  allowlist: readonly string[];
  source: SourceEnv;
  home: string;
}): Record<string, string> {
  return {
    PATH: SAFE_PATH,
    LANG: input.source.LANG || 'C.UTF-8',
    ...pickEnv(input.source, input.allowlist),
    HOME: input.home,
  };
}

/**
 * The environment of the runner's own git commands: no global config, no prompts, a HOME the agent
 * cannot write, proxy settings kept; the token only when this command talks to the remote.
 */
export function buildGitEnv(input: {
  source: SourceEnv;
  home: string;
  token?: string | undefined;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: input.source.PATH || SAFE_PATH,
    HOME: input.home,
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...pickEnv(input.source, GIT_NETWORK_ENV),
  };
  if (input.token) env[GIT_TOKEN_ENV] = input.token;
  return env;
}
