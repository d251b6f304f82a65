import type { AttemptLimiter, OneTimeStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** KEYS: counter. ARGV: window ms. Counts one attempt; the window starts with the first. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;

/** KEYS: counter. Takes one attempt back, never below zero, never creating the counter. */
const UNDO = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

/** Fixed-window attempt counters (`ratelimit:<key>`), expiring with their window. */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(private readonly redis: Redis) {}

  async hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, keys.attempts(key), String(windowMs))) as [
      number,
      number,
    ];
    return { count, resetInMs: ttl };
  }

  async undo(key: string): Promise<void> {
    await this.redis.eval(UNDO, 1, keys.attempts(key));
  }
}

/** One-use values (`oauth:state:<key>`) that expire on their own. */
export class RedisOneTimeStore implements OneTimeStore {
  constructor(private readonly redis: Redis) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(keys.oauthState(key), value, 'PX', ttlMs);
  }

  async take(key: string): Promise<string | null> {
    return this.redis.getdel(keys.oauthState(key));
  }
}
