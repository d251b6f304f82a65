import type { SessionRecord, SessionStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** KEYS: session. ARGV: ttl ms, now ms. Pushes the expiry back only while the session exists. */
const REFRESH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'refreshedAtMs', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

function encode(r: SessionRecord): Record<string, string> {
  const common = { kind: r.kind, createdAt: r.createdAt, refreshedAtMs: String(r.refreshedAtMs) };
  if (r.kind === 'user') return { ...common, userId: r.userId };
  return { ...common, keyHash: r.keyHash, projectId: r.projectId, keyId: r.keyId };
}

function decode(h: Record<string, string>): SessionRecord | null {
  const createdAt = h.createdAt ?? '';
  const refreshedAtMs = Number(h.refreshedAtMs ?? 0);
  if (h.kind === 'user')
    return h.userId ? { kind: 'user', userId: h.userId, createdAt, refreshedAtMs } : null;
  if (!h.keyHash || !h.projectId || !h.keyId || (h.kind !== 'admin' && h.kind !== 'key')) return null;
  return {
    keyHash: h.keyHash,
    kind: h.kind,
    projectId: h.projectId,
    keyId: h.keyId,
    createdAt,
    refreshedAtMs,
  };
}

/**
 * Dashboard sessions: `session:<sha256 of the token>`, a hash that expires on its own (PEXPIRE).
 * Sessions opened with a project key are also listed in `project:{pid}:sessions`, so deleting the
 * project ends them (they would fail anyway: their key is looked up on every request).
 */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: Redis) {}

  async create(tokenHash: string, r: SessionRecord, ttlMs: number): Promise<void> {
    const key = keys.session(tokenHash);
    await this.redis.multi().hset(key, encode(r)).pexpire(key, ttlMs).exec();
    if (r.kind === 'key') {
      const index = keys.projectSessions(r.projectId);
      // Entries a whole lifetime past their first expiry are almost surely gone; the rest stay listed.
      await this.redis
        .multi()
        .zremrangebyscore(index, '-inf', r.refreshedAtMs - ttlMs)
        .zadd(index, r.refreshedAtMs + ttlMs, tokenHash)
        .exec();
    }
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    return decode(await this.redis.hgetall(keys.session(tokenHash)));
  }

  async refresh(tokenHash: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(REFRESH, 1, keys.session(tokenHash), String(ttlMs), String(nowMs))) === 1;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.redis.del(keys.session(tokenHash));
  }

  async deleteForProject(projectId: string): Promise<number> {
    const index = keys.projectSessions(projectId);
    const hashes = await this.redis.zrange(index, 0, -1);
    let ended = 0;
    for (let i = 0; i < hashes.length; i += 500) {
      ended += await this.redis.del(...hashes.slice(i, i + 500).map((h) => keys.session(h)));
    }
    await this.redis.del(index);
    return ended;
  }
}
