import { ApiKeyScope } from '@fixloop/contracts';
import type { ApiKeyRecord, ApiKeyStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * API keys by SHA-256 hash: `apikey:<hash>` holds the key's record; `project:{pid}:api-keys`
 * maps key id → hash so a project can list and revoke its keys. No key is stored in clear.
 */
export class RedisApiKeyStore implements ApiKeyStore {
  constructor(private readonly redis: Redis) {}

  async create(r: ApiKeyRecord, hash: string): Promise<void> {
    await this.redis
      .multi()
      .hset(keys.apiKey(hash), encode(r))
      .hset(keys.apiKeys(r.projectId), r.id, hash)
      .exec();
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    return decode(await this.redis.hgetall(keys.apiKey(hash)));
  }

  async list(projectId: string): Promise<ApiKeyRecord[]> {
    const byId = await this.redis.hgetall(keys.apiKeys(projectId));
    const pipeline = this.redis.pipeline();
    for (const hash of Object.values(byId)) pipeline.hgetall(keys.apiKey(hash));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([, h]) => decode(h as Record<string, string>))
      .filter((r): r is ApiKeyRecord => r !== null)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const hash = await this.redis.hget(keys.apiKeys(projectId), id);
    if (hash === null) return false;
    await this.redis.multi().del(keys.apiKey(hash)).hdel(keys.apiKeys(projectId), id).exec();
    return true;
  }

  async deleteAll(projectId: string): Promise<string[]> {
    const hashes = Object.values(await this.redis.hgetall(keys.apiKeys(projectId)));
    const tx = this.redis.multi();
    for (const hash of hashes) tx.del(keys.apiKey(hash));
    tx.del(keys.apiKeys(projectId));
    await tx.exec();
    return hashes;
  }

  async touch(hash: string, _projectId: string, _id: string, at: string): Promise<void> {
    // Only an existing key is touched: a revoked key must not be resurrected by a late write.
    await this.redis.eval(
      "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1]) end",
      1,
      keys.apiKey(hash),
      at,
    );
  }

  async installAdminKey(hash: string, createdAt: string, exclusive: boolean): Promise<void> {
    const current = await this.redis.smembers(keys.adminKeys());
    const tx = this.redis.multi();
    if (exclusive) {
      const others = current.filter((h) => h !== hash);
      for (const h of others) tx.del(keys.apiKey(h));
      if (others.length > 0) tx.srem(keys.adminKeys(), ...others);
    }
    tx.hsetnx(keys.apiKey(hash), 'createdAt', createdAt);
    tx.hset(keys.apiKey(hash), {
      id: 'admin',
      projectId: 'default',
      name: 'admin',
      prefix: 'admin',
      admin: '1',
    });
    tx.sadd(keys.adminKeys(), hash);
    await tx.exec();
  }
}

function encode(r: ApiKeyRecord): Record<string, string> {
  const o: Record<string, string> = {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt,
    admin: r.admin ? '1' : '0',
    scopes: r.scopes.join(','),
  };
  if (r.lastUsedAt) o.lastUsedAt = r.lastUsedAt;
  return o;
}

function decode(h: Record<string, string> | undefined): ApiKeyRecord | null {
  if (!h || h.id === undefined || h.projectId === undefined) return null;
  const r: ApiKeyRecord = {
    id: h.id,
    projectId: h.projectId,
    name: h.name ?? '',
    prefix: h.prefix ?? '',
    createdAt: h.createdAt ?? '',
    admin: h.admin === '1',
    scopes: decodeScopes(h.scopes),
  };
  if (h.lastUsedAt) r.lastUsedAt = h.lastUsedAt;
  return r;
}

/** Keys stored before scopes existed (no field) keep what they could do: everything (`admin`). */
function decodeScopes(field: string | undefined): ApiKeyScope[] {
  if (field === undefined || field === '') return ['admin'];
  const scopes = field.split(',').filter((s): s is ApiKeyScope => ApiKeyScope.safeParse(s).success);
  // A field with nothing we know grants nothing rather than everything.
  return scopes;
}
