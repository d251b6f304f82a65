import type { SessionDeps } from '../auth/sessions.js';
import type { SecretCipher } from '../ports.js';
import type { ScryptParams } from './passwords.js';
import type { AttemptLimiter, GithubOAuth, OneTimeStore } from './ports.js';

export interface LoginLimits {
  /** Failed sign-ins per email in one window. */
  perEmail: number;
  /** Failed sign-ins per client address in one window. */
  perIp: number;
  windowMs: number;
}

/** 10 failures per email (50 per address) in 15 minutes, then 429 until the window ends. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perEmail: 10, perIp: 50, windowMs: 15 * 60_000 };

export interface AccountSettings {
  /** `ALLOW_SIGNUP`: whether people may make accounts once the first one exists. */
  allowSignup: boolean;
  scrypt: ScryptParams;
  loginLimits: LoginLimits;
}

/** Accounts: sign-up, sign-in with a password or GitHub, and the sessions they open. */
export interface AccountDeps extends SessionDeps {
  cipher: SecretCipher;
  limiter: AttemptLimiter;
  settings: AccountSettings;
  /** Sign-in with GitHub; null when `GITHUB_CLIENT_ID`/`_SECRET` are unset. */
  github: GithubOAuth | null;
  oauthStates: OneTimeStore;
}
