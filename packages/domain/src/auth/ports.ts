/**
 * A dashboard session as stored: the hash of the API key it was opened with (looked up again on
 * every request, so revoking the key or rotating the admin key ends the session) and who that was.
 */
export interface SessionRecord {
  keyHash: string;
  kind: 'admin' | 'key';
  projectId: string;
  keyId: string;
  createdAt: string;
  /** When the expiry was last pushed back (ms since the epoch). */
  refreshedAtMs: number;
}

/** Sessions by the SHA-256 of their token; the raw token is never stored. Each expires on its own. */
export interface SessionStore {
  create(tokenHash: string, record: SessionRecord, ttlMs: number): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | null>;
  /** Pushes the expiry back to `ttlMs` from now; never brings back a session that is gone. */
  refresh(tokenHash: string, ttlMs: number, nowMs: number): Promise<boolean>;
  delete(tokenHash: string): Promise<void>;
}
