import { CREDENTIAL_HELPER } from './credential-helper.js';

export interface SafeGitConfig {
  /** Adds our credential helper: only for commands that reach the remote with a token. */
  withToken: boolean;
  /**
   * `off` (default) for throwaway clones: no automatic gc or maintenance at all. `foreground` for a
   * clone kept between commands: automatic gc still runs, but inside the command, so a kill stops it.
   */
  housekeeping?: 'off' | 'foreground';
}

/**
 * `-c` options every git command we run starts with. Whatever the repository (or an agent that
 * wrote it) configures, nothing in it runs: no hooks, no fsmonitor, no `ext::` transport, no
 * submodule recursion. Configured credential helpers are dropped; ours comes only with a token.
 * Redirects are not followed: a public host answering with a redirect to a private address (the
 * cloud's metadata service) would otherwise get past the check of the URL's own host.
 */
export function safeGitConfigArgs({ withToken, housekeeping = 'off' }: SafeGitConfig): string[] {
  const settings = [
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'protocol.ext.allow=never',
    'submodule.recurse=false',
    'http.followRedirects=false',
    ...(housekeeping === 'off' ? ['gc.auto=0', 'maintenance.auto=false'] : ['gc.autoDetach=false']),
    'credential.helper=',
  ];
  if (withToken) settings.push(`credential.helper=${CREDENTIAL_HELPER}`);
  return settings.flatMap((setting) => ['-c', setting]);
}
