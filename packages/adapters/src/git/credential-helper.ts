import { TOKEN_USERNAME } from '@fixloop/domain';

/** The variable the credential helper reads the repository token from: set in one git command's env only. */
export const GIT_TOKEN_ENV = 'FIXLOOP_GIT_TOKEN';

/** The user name that goes with a token as the password (GitHub's convention for app and PAT tokens). */
export const GIT_TOKEN_USERNAME = TOKEN_USERNAME;

/**
 * Answers git's `get` with the token from the git process's own environment, so the token is never
 * in argv, a URL, a config file or the work tree. Git appends `get`/`store`/`erase`; only `get`
 * answers. `printf '%s'` passes the token byte for byte, where `echo` may read backslashes in it.
 */
export const CREDENTIAL_HELPER = `!f() { test "$1" = get || return 0; printf '%s\\n' username=${GIT_TOKEN_USERNAME} "password=$${GIT_TOKEN_ENV}"; }; f`;
