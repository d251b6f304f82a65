import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection to the configured Redis (`redis://`, `rediss://` or `unix://` URL).
 * `maxRetriesPerRequest: null` is what BullMQ requires of the connections it uses.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    lazyConnect: false,
    ...options,
  };
  if (url.startsWith('unix://')) return new Redis({ ...base, path: url.slice('unix://'.length) });
  return new Redis(url, base);
}
