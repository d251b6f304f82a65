import { createHash, randomBytes } from 'node:crypto';
import type { SessionInfo } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import type { ApiKeyRecord } from '../ports.js';
import { hashApiKey } from '../projects/api-keys.js';
import type { UserRecord } from '../users/ports.js';
import type { SessionRecord, SessionStore } from './ports.js';
import { type DescribeDeps, describePrincipal, principalOfKey, principalOfUser } from './principal.js';

export interface SessionDeps extends DescribeDeps {
  sessions: SessionStore;
  /** How long a session lives without use (`SESSION_TTL_S`). */
  ttlMs: number;
  /** A session in use has its expiry pushed back at most this often. */
  refreshEveryMs: number;
}

/** Session tokens: 256 random bits, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a session token: the only form Redis keeps. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function openSession(deps: SessionDeps, record: SessionRecord): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await deps.sessions.create(hashSessionToken(token), record, deps.ttlMs);
  return token;
}

/** Opens a session for a valid API key; answers the token (for the cookie only) and who it is. */
export async function startSession(
  deps: SessionDeps,
  apiKey: string,
): Promise<{ token: string; info: SessionInfo }> {
  const keyHash = hashApiKey(apiKey);
  const record = await deps.apiKeys.findByHash(keyHash);
  if (!record) throw new DomainError('unauthorized', 'invalid API key');
  const now = deps.now();
  const token = await openSession(deps, {
    keyHash,
    kind: record.admin ? 'admin' : 'key',
    projectId: record.projectId,
    keyId: record.id,
    createdAt: now.toISOString(),
    refreshedAtMs: now.getTime(),
  });
  return { token, info: await describePrincipal(deps, principalOfKey(record)) };
}

/** Opens a session for a person who proved who they are (password or GitHub). */
export async function startUserSession(
  deps: SessionDeps,
  user: UserRecord,
): Promise<{ token: string; info: SessionInfo }> {
  const now = deps.now();
  const token = await openSession(deps, {
    kind: 'user',
    userId: user.id,
    createdAt: now.toISOString(),
    refreshedAtMs: now.getTime(),
  });
  return { token, info: await describePrincipal(deps, principalOfUser(user)) };
}

export type ResolvedSession = {
  /** The expiry was pushed back by this call (the cookie should be renewed too). */
  refreshed: boolean;
} & (
  | {
      kind: 'key';
      /** The key the session was opened with, as it stands now. */
      key: ApiKeyRecord;
      keyHash: string;
    }
  | { kind: 'user'; user: UserRecord }
);

/** The key or account behind a stored session, as it stands now; null when it is gone or changed. */
async function holderOf(
  deps: SessionDeps,
  session: SessionRecord,
): Promise<{ kind: 'key'; key: ApiKeyRecord; keyHash: string } | { kind: 'user'; user: UserRecord } | null> {
  if (session.kind === 'user') {
    const user = await deps.users.get(session.userId);
    return user ? { kind: 'user', user } : null;
  }
  const key = await deps.apiKeys.findByHash(session.keyHash);
  if (
    !key ||
    key.id !== session.keyId ||
    key.projectId !== session.projectId ||
    key.admin !== (session.kind === 'admin')
  ) {
    return null;
  }
  return { kind: 'key', key, keyHash: session.keyHash };
}

/**
 * The key or account behind a session token, or null when the session is unknown, expired, or its
 * key was revoked (or is no longer the same key). A session in use lives on: its expiry is pushed
 * back, at most once per `refreshEveryMs`.
 */
export async function resolveSession(deps: SessionDeps, token: string): Promise<ResolvedSession | null> {
  if (!TOKEN.test(token)) return null;
  const tokenHash = hashSessionToken(token);
  const session = await deps.sessions.get(tokenHash);
  if (!session) return null;
  const holder = await holderOf(deps, session);
  if (!holder) return null;
  const nowMs = deps.now().getTime();
  let refreshed = false;
  if (nowMs - session.refreshedAtMs >= deps.refreshEveryMs) {
    refreshed = await deps.sessions.refresh(tokenHash, deps.ttlMs, nowMs);
    if (!refreshed) return null;
  }
  return { ...holder, refreshed };
}

/** Ends a session; an unknown or malformed token is already ended. */
export async function endSession(deps: Pick<SessionDeps, 'sessions'>, token: string): Promise<void> {
  if (TOKEN.test(token)) await deps.sessions.delete(hashSessionToken(token));
}
