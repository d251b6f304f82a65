import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../errors.js';
import { createAccount } from './accounts.js';
import type { AccountDeps } from './deps.js';
import type { GithubIdentity, GithubOAuth, UserRecord } from './ports.js';

/** How long a sign-in may take between leaving for GitHub and coming back. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const stateKey = (state: string) => `github:${createHash('sha256').update(state, 'utf8').digest('hex')}`;

function githubOf(deps: AccountDeps): GithubOAuth {
  if (!deps.github)
    throw new DomainError('not_found', 'sign-in with GitHub is not configured on this server');
  return deps.github;
}

/**
 * Starts sign-in with GitHub: a fresh `state` (kept in Redis for one use, ten minutes) and the
 * address of GitHub's authorization page. The caller also binds the state to the browser.
 */
export async function beginGithubSignIn(
  deps: AccountDeps,
  redirectUri: string,
): Promise<{ state: string; url: string }> {
  const github = githubOf(deps);
  const state = randomBytes(32).toString('base64url');
  await deps.oauthStates.put(stateKey(state), '1', OAUTH_STATE_TTL_MS);
  return { state, url: github.authorizeUrl(state, redirectUri) };
}

const linkedElsewhere = (email: string) =>
  new DomainError('conflict', `the account for ${email} is linked to another GitHub account`, {
    reason: 'linked_elsewhere',
  });

/** Forgets a state whose sign-in ended without a code (refused or cancelled on GitHub). */
export async function abandonGithubSignIn(deps: AccountDeps, state: string): Promise<void> {
  await deps.oauthStates.take(stateKey(state));
}

/** Finds the account for a GitHub identity: by GitHub id, else by verified primary email (linking it), else a new one. */
async function accountFor(deps: AccountDeps, identity: GithubIdentity): Promise<UserRecord> {
  const linked = await deps.users.findByGithubId(identity.id);
  if (linked) return linked;
  const email = identity.verifiedPrimaryEmail;
  if (email === undefined) {
    throw new DomainError(
      'forbidden',
      'your GitHub account has no verified primary email: verify one on GitHub, then try again',
      { reason: 'no_verified_email' },
    );
  }
  const byEmail = await deps.users.findByEmail(email);
  if (byEmail?.githubId !== undefined) throw linkedElsewhere(email);
  const user =
    byEmail ??
    (await createAccount(deps, {
      id: randomUUID(),
      email,
      name: identity.name ?? identity.login,
      createdAt: deps.now().toISOString(),
    }));
  if (!(await deps.users.linkGithub(user.id, { id: identity.id, login: identity.login }))) {
    throw linkedElsewhere(email);
  }
  return { ...user, githubId: identity.id, githubLogin: identity.login };
}

/**
 * Completes sign-in with GitHub: the state must be one we issued and not yet used; the code is
 * exchanged for a token; the account is found or made; the token is kept, sealed, to open the
 * user's pull requests.
 */
export async function completeGithubSignIn(
  deps: AccountDeps,
  params: { code: string; state: string; redirectUri: string },
): Promise<UserRecord> {
  const github = githubOf(deps);
  if ((await deps.oauthStates.take(stateKey(params.state))) === null) {
    throw new DomainError('bad_request', 'this sign-in link expired or was already used: start again', {
      reason: 'expired',
    });
  }
  const token = await github.exchangeCode(params.code, params.redirectUri);
  const identity = await github.identity(token);
  const user = await accountFor(deps, identity);
  await deps.users.setGithubToken(user.id, deps.cipher.encrypt(token));
  return user;
}
