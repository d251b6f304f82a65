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

/** Dashboard sessions: `session:<sha256 of the token>`, a hash that expires on its own (PEXPIRE). */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: Redis) {}

  async create(tokenHash: string, r: SessionRecord, ttlMs: number): Promise<void> {
    const key = keys.session(tokenHash);
    await this.redis
      .multi()
      .hset(key, {
        keyHash: r.keyHash,
        kind: r.kind,
        projectId: r.projectId,
        keyId: r.keyId,
        createdAt: r.createdAt,
        refreshedAtMs: String(r.refreshedAtMs),
      })
      .pexpire(key, ttlMs)
      .exec();
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const h = await this.redis.hgetall(keys.session(tokenHash));
    if (!h.keyHash || !h.projectId || !h.keyId || (h.kind !== 'admin' && h.kind !== 'key')) return null;
    return {
      keyHash: h.keyHash,
      kind: h.kind,
      projectId: h.projectId,
      keyId: h.keyId,
      createdAt: h.createdAt ?? '',
      refreshedAtMs: Number(h.refreshedAtMs ?? 0),
    };
  }

  async refresh(tokenHash: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return (await this.redis.eval(REFRESH, 1, keys.session(tokenHash), String(ttlMs), String(nowMs))) === 1;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.redis.del(keys.session(tokenHash));
  }
}
