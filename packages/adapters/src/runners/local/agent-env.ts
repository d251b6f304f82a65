/** PATH inside the sandbox unless the operator allowlists PATH itself. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment variable the credential helper reads the repository token from (git's env only). */
export const GIT_TOKEN_ENV = 'FIXLOOP_GIT_TOKEN';

/** The server's environment, as the composition root hands it over. */
export type SourceEnv = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables runner-side git keeps from the server's environment: reaching the remote through a proxy. */
const GIT_PASSTHROUGH = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
];

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
  const env: Record<string, string> = { PATH: SAFE_PATH, LANG: input.source.LANG || 'C.UTF-8' };
  for (const name of input.allowlist) {
    const value = input.source[name];
    if (value !== undefined) env[name] = value;
  }
  env.HOME = input.home;
  return env;
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
  };
  for (const name of GIT_PASSTHROUGH) {
    const value = input.source[name];
    if (value !== undefined) env[name] = value;
  }
  if (input.token) env[GIT_TOKEN_ENV] = input.token;
  return env;
}
