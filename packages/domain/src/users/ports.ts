import type { Role } from '@fixloop/contracts';

/** A person's account as stored; `passwordHash` and `githubToken` never leave the domain. */
export interface UserRecord {
  id: string;
  /** Lowercased; unique. */
  email: string;
  name: string;
  createdAt: string;
  /** Instance admin (the first account): reaches every project. */
  admin: boolean;
  /** `scrypt$N$r$p$salt$hash` (see passwords.ts); absent for accounts made by GitHub sign-in. */
  passwordHash?: string;
  githubId?: string;
  githubLogin?: string;
  /** The user's GitHub OAuth token, sealed with the SecretCipher. */
  githubToken?: string;
}

export type NewUser = Omit<UserRecord, 'admin'>;

/** Why a new account was not stored. */
export type CreateUserRefusal = 'email_taken' | 'signup_closed';

export interface UserStore {
  /**
   * Claims the email and stores the account in one decision: refused when the email is taken, or
   * when accounts exist and `allowOthers` is false. The very first account becomes instance admin.
   */
  create(
    user: NewUser,
    allowOthers: boolean,
  ): Promise<{ ok: true; admin: boolean } | { ok: false; reason: CreateUserRefusal }>;
  get(id: string): Promise<UserRecord | null>;
  getMany(ids: string[]): Promise<Array<UserRecord | null>>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findByGithubId(githubId: string): Promise<UserRecord | null>;
  /** Whether any account exists. */
  any(): Promise<boolean>;
  /** Links a GitHub account; false when that GitHub account belongs to another user. */
  linkGithub(id: string, github: { id: string; login: string }): Promise<boolean>;
  /** Stores (sealed) or removes the user's GitHub token. */
  setGithubToken(id: string, sealed: string | null): Promise<void>;
}

/** Outcome of a role change or removal that could leave a project without an owner. */
export type MemberChange = 'done' | 'not_member' | 'last_owner';

/**
 * Who belongs to which project. The project's side (`project:{pid}:members`) is the truth; each
 * user keeps an index of their projects to list them without scanning.
 */
export interface MemberStore {
  roleOf(projectId: string, userId: string): Promise<Role | null>;
  list(projectId: string): Promise<Array<{ userId: string; role: Role }>>;
  /** The user's projects, oldest membership first (stale index entries are skipped). */
  projectsOf(userId: string): Promise<Array<{ projectId: string; role: Role }>>;
  /** Adds a member or changes a role; refuses to demote the last owner. */
  set(projectId: string, userId: string, role: Role, nowMs: number): Promise<MemberChange>;
  /** Removes a member; refuses to remove the last owner. */
  remove(projectId: string, userId: string): Promise<MemberChange>;
  /** Drops the project from its members' indexes (before the project is purged). */
  forgetProject(projectId: string): Promise<void>;
}

/** Counts attempts per key in a fixed window (login throttling). */
export interface AttemptLimiter {
  /** Counts one attempt; answers the count in the window and the ms until the window ends. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Takes back one attempt (a success does not count against anyone). */
  undo(key: string): Promise<void>;
}

/** One-use values with a short life (OAuth `state`), by the SHA-256 of the value. */
export interface OneTimeStore {
  put(hash: string, value: string, ttlMs: number): Promise<void>;
  /** Answers the value and deletes it in one step; null when unknown, used or expired. */
  take(hash: string): Promise<string | null>;
}

/** The GitHub account behind an OAuth token, as the adapter validated it. */
export interface GithubIdentity {
  id: string;
  login: string;
  name?: string;
  /** The primary email, only when GitHub says it is verified. */
  verifiedPrimaryEmail?: string;
}

/** GitHub's OAuth web flow and the identity behind a token. */
export interface GithubOAuth {
  authorizeUrl(state: string, redirectUri: string): string;
  /** Exchanges the callback's code for an access token. */
  exchangeCode(code: string, redirectUri: string): Promise<string>;
  identity(accessToken: string): Promise<GithubIdentity>;
}
