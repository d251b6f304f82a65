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

/** Replies of a Redis that runs but cannot take the request: loading its data, out of memory or disk, a replica. */
const UNAVAILABLE_REPLIES = /^(LOADING|MISCONF|OOM|READONLY|MASTERDOWN|TRYAGAIN)\b/;
/** ioredis's errors for a command that never got its answer (by message: `AbortError` is also fetch's). */
const CONNECTION_MESSAGES = [
  'Connection is closed.',
  'Command aborted due to connection close',
  "Stream isn't writeable",
  'Command timed out',
];

/**
 * Whether an error means Redis could not be reached or could not serve (down, restarting, loading,
 * out of disk), as opposed to a bad command or a bug: such a request was not acknowledged and may
 * be retried as it is.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (CONNECTION_MESSAGES.some((m) => err.message.startsWith(m))) return true;
  return err.name === 'ReplyError' && UNAVAILABLE_REPLIES.test(err.message);
}
