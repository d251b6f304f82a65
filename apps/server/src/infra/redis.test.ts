import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../../test-support/free-port.js';
import { createRedis, isRedisUnavailable } from './redis.js';

describe('isRedisUnavailable', () => {
  it('is true for what a Redis that is down or cannot serve answers', async () => {
    // Nothing listens on this port: the command fails once its retries are spent.
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}`, {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 10,
    });
    redis.on('error', () => {});
    const err = await redis.get('k').catch((e: unknown) => e);
    redis.disconnect();
    expect(isRedisUnavailable(err)).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true); // after disconnect()
    const aborted = Object.assign(new Error('Command aborted due to connection close'), {
      name: 'AbortError',
    });
    expect(isRedisUnavailable(aborted)).toBe(true); // a pipeline cut off mid-way
    for (const reply of [
      'LOADING Redis is loading the dataset in memory',
      "OOM command not allowed when used memory > 'maxmemory'.",
      'MISCONF Errors writing to the AOF file: No space left on device',
      "READONLY You can't write against a read only replica.",
    ]) {
      expect(isRedisUnavailable(new ReplyError(reply)), reply).toBe(true);
    }
  });

  it('is false for bad commands and for everything else', () => {
    expect(isRedisUnavailable(new ReplyError('ERR wrong number of arguments for command'))).toBe(false);
    expect(isRedisUnavailable(new ReplyError('NOSCRIPT No matching script'))).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    // An aborted fetch to GitHub or a model provider is not Redis.
    expect(isRedisUnavailable(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
  });
});
