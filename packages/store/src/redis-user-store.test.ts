import { randomUUID } from 'node:crypto';
import type { NewUser } from '@fixloop/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import { RedisAttemptLimiter, RedisOneTimeStore } from './redis-attempt-limiter.js';
import { RedisMemberStore, RedisUserStore } from './redis-user-store.js';

// Only this file writes accounts in the run's shared database: it starts from no accounts at all.
const redis = createRedis(inject('redisUrl'));
const users = new RedisUserStore(redis);
const members = new RedisMemberStore(redis);
beforeAll(async () => {
  await redis.del(keys.userEmails(), keys.userGithubIds());
});
afterAll(() => redis.disconnect());

const newUser = (email = `${randomUUID().slice(0, 8)}@example.com`): NewUser => ({
  id: randomUUID(),
  email,
  name: 'Someone',
  createdAt: '2026-01-01T00:00:00.000Z',
  passwordHash: 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5',
});
const pid = () => `p-${randomUUID().slice(0, 12)}`;

describe('RedisUserStore', () => {
  it('makes the first account admin even with sign-up closed, then refuses others unless allowed', async () => {
    expect(await users.any()).toBe(false);
    const first = newUser('first@example.com');
    expect(await users.create(first, false)).toEqual({ ok: true, admin: true });
    expect(await users.get(first.id)).toEqual({ ...first, admin: true });
    expect(await users.any()).toBe(true);

    const closed = newUser();
    expect(await users.create(closed, false)).toEqual({ ok: false, reason: 'signup_closed' });
    expect(await redis.exists(keys.user(closed.id))).toBe(0);
    const open = newUser();
    expect(await users.create(open, true)).toEqual({ ok: true, admin: false });
    expect((await users.findByEmail(open.email))?.id).toBe(open.id);
  });

  it('refuses a taken email and leaves no record behind', async () => {
    const a = newUser();
    await users.create(a, true);
    const b = { ...newUser(), email: a.email };
    expect(await users.create(b, true)).toEqual({ ok: false, reason: 'email_taken' });
    expect(await users.get(b.id)).toBeNull();
  });

  it('claims an email once when two sign up at the same moment', async () => {
    const email = `race-${randomUUID().slice(0, 6)}@example.com`;
    const results = await Promise.all(Array.from({ length: 8 }, () => users.create(newUser(email), true)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('links a GitHub account to one user only, and keeps a sealed token', async () => {
    const a = newUser();
    const b = newUser();
    await users.create(a, true);
    await users.create(b, true);
    expect(await users.linkGithub(a.id, { id: '42', login: 'octo' })).toBe(true);
    expect(await users.linkGithub(b.id, { id: '42', login: 'octo' })).toBe(false);
    expect((await users.findByGithubId('42'))?.id).toBe(a.id);
    await users.setGithubToken(a.id, 'sealed-token');
    expect(await users.get(a.id)).toMatchObject({
      githubId: '42',
      githubLogin: 'octo',
      githubToken: 'sealed-token',
    });
    await users.setGithubToken(a.id, null);
    expect((await users.get(a.id))?.githubToken).toBeUndefined();
    expect(await users.getMany([a.id, 'nobody', b.id])).toEqual([
      expect.objectContaining({ id: a.id }),
      null,
      expect.objectContaining({ id: b.id }),
    ]);
  });
});

describe('RedisMemberStore', () => {
  it("adds members, lists a user's projects in joining order, and keeps that order on role changes", async () => {
    const [p1, p2] = [pid(), pid()];
    const u = randomUUID();
    expect(await members.set(p2, u, 'viewer', 1_000)).toBe('done');
    expect(await members.set(p1, u, 'owner', 2_000)).toBe('done');
    expect(await members.set(p2, u, 'member', 3_000)).toBe('done');
    expect(await members.projectsOf(u)).toEqual([
      { projectId: p2, role: 'member' },
      { projectId: p1, role: 'owner' },
    ]);
    expect(await members.roleOf(p2, u)).toBe('member');
    expect(await members.list(p1)).toEqual([{ userId: u, role: 'owner' }]);
  });

  it('never leaves a project without an owner', async () => {
    const p = pid();
    const [a, b] = [randomUUID(), randomUUID()];
    await members.set(p, a, 'owner', 1);
    expect(await members.remove(p, a)).toBe('last_owner');
    expect(await members.set(p, a, 'viewer', 2)).toBe('last_owner');
    await members.set(p, b, 'owner', 3);
    expect(await members.set(p, a, 'viewer', 4)).toBe('done');
    expect(await members.remove(p, b)).toBe('last_owner');
    expect(await members.remove(p, a)).toBe('done');
    expect(await members.remove(p, a)).toBe('not_member');
    expect(await members.projectsOf(a)).toEqual([]);
  });

  it('forgets a project in its members indexes, and skips stale entries', async () => {
    const p = pid();
    const [a, b] = [randomUUID(), randomUUID()];
    await members.set(p, a, 'owner', 1);
    await members.set(p, b, 'member', 2);
    await members.forgetProject(p);
    expect(await redis.zcard(keys.userProjects(a))).toBe(0);
    // An index entry whose project no longer lists the user is dropped on read.
    await redis.zadd(keys.userProjects(b), 5, pid());
    expect(await members.projectsOf(b)).toEqual([]);
    expect(await redis.zcard(keys.userProjects(b))).toBe(0);
  });
});

describe('RedisAttemptLimiter and RedisOneTimeStore', () => {
  it('counts attempts in a window that starts with the first, and takes one back', async () => {
    const limiter = new RedisAttemptLimiter(redis);
    const key = `test:${randomUUID()}`;
    expect(await limiter.hit(key, 60_000)).toEqual({ count: 1, resetInMs: expect.any(Number) });
    const second = await limiter.hit(key, 60_000);
    expect(second.count).toBe(2);
    expect(second.resetInMs).toBeGreaterThan(55_000);
    await limiter.undo(key);
    await limiter.undo(key);
    await limiter.undo(key);
    expect(await redis.get(keys.attempts(key))).toBe('0');
    await limiter.undo(`test:${randomUUID()}`);
  });

  it('answers a value once, then never', async () => {
    const states = new RedisOneTimeStore(redis);
    await states.put('s1', 'v', 60_000);
    expect(await redis.pttl(keys.oauthState('s1'))).toBeGreaterThan(55_000);
    expect(await states.take('s1')).toBe('v');
    expect(await states.take('s1')).toBeNull();
  });
});
