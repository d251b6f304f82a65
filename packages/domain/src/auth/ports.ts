/**
 * A dashboard session opened with an API key: the hash of that key (looked up again on every
 * request, so revoking the key or rotating the admin key ends the session) and who that was.
 */
export interface KeySessionRecord {
  keyHash: string;
  kind: 'admin' | 'key';
  projectId: string;
  keyId: string;
  createdAt: string;
  /** When the expiry was last pushed back (ms since the epoch). */
  refreshedAtMs: number;
}

/** A session a person opened with their password or GitHub; the account is looked up on every request. */
export interface UserSessionRecord {
  kind: 'user';
  userId: string;
  createdAt: string;
  refreshedAtMs: number;
}

export type SessionRecord = KeySessionRecord | UserSessionRecord;

/** Sessions by the SHA-256 of their token; the raw token is never stored. Each expires on its own. */
export interface SessionStore {
  /** Stores a session; a key session is also indexed under its project (to end it with the project). */
  create(tokenHash: string, record: SessionRecord, ttlMs: number): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | null>;
  /** Pushes the expiry back to `ttlMs` from now; never brings back a session that is gone. */
  refresh(tokenHash: string, ttlMs: number, nowMs: number): Promise<boolean>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every key session opened with a key of the project. */
  deleteForProject(projectId: string): Promise<number>;
}
