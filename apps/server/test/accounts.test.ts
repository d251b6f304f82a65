import { createHash } from 'node:crypto';
import type { SessionInfo } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import {
  asSession,
  logIn,
  PASSWORD,
  type SignedIn,
  sessionCookieOf,
  signUp,
  uniqueEmail,
} from './support/accounts.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * Accounts against a fresh database: `closed` runs with the default ALLOW_SIGNUP=false, `open` with
 * ALLOW_SIGNUP=true, `short` with one-second sessions; all three share one Redis.
 */
let closed: TestContext;
let open: TestContext;
let short: TestContext;
let first: SignedIn;

beforeAll(async () => {
  closed = await createTestContext({ PUBLIC_URL: 'http://fixloop.test:8000' });
  open = await createTestContext({ ALLOW_SIGNUP: 'true', PUBLIC_URL: 'http://fixloop.test:8000' });
  short = await createTestContext({ SESSION_TTL_S: '1' });
});
afterAll(async () => {
  await short?.close();
  await open?.close();
  await closed?.close();
});

const redis = () => closed.runtime.container.redis;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sign-up', () => {
  it('lets the very first person sign up with sign-up closed, and makes them instance admin', async () => {
    const before = await closed.request({ method: 'GET', url: '/auth/options', token: null });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ signup: true, github: false });

    first = await signUp(closed, { email: '  First.Admin@Example.com ', name: 'First Admin' });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.info.principal).toEqual({
      kind: 'user',
      user: { id: first.userId, email: 'first.admin@example.com', name: 'First Admin', admin: true },
    });
    // An instance admin reaches every project and acts on `default` at the root.
    expect(first.info.projectId).toBe('default');
    expect(first.info.projects).toContainEqual({ id: 'default', name: 'Default', role: 'owner' });

    const me = await asSession(closed, first.token, { method: 'GET', url: '/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json<SessionInfo>().principal.user?.admin).toBe(true);
  });

  it('refuses further sign-ups while ALLOW_SIGNUP is off, and says so in /auth/options', async () => {
    const res = await closed.request({
      method: 'POST',
      url: '/auth/signup',
      token: null,
      payload: { email: uniqueEmail(), password: PASSWORD, name: 'Late' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringContaining('ALLOW_SIGNUP') },
    });
    expect(sessionCookieOf(res)).toBe('');
    expect((await closed.request({ method: 'GET', url: '/auth/options', token: null })).json()).toEqual({
      signup: false,
      github: false,
    });
  });

  it('accepts others while ALLOW_SIGNUP is on: not admins, each with a project of their own as owner', async () => {
    expect((await open.request({ method: 'GET', url: '/auth/options', token: null })).json()).toEqual({
      signup: true,
      github: false,
    });
    const bob = await signUp(open, { name: 'Bob' });
    expect(bob.info.principal.user).toMatchObject({ name: 'Bob', admin: false });
    expect(bob.info.projects).toEqual([{ id: bob.info.projectId, name: "Bob's project", role: 'owner' }]);
    expect(await redis().hget(keys.projectMembers(bob.info.projectId), bob.userId)).toBe('owner');
    expect(await redis().hget(keys.project(bob.info.projectId), 'ownerUserId')).toBe(bob.userId);
    // No key was made for it: the owner makes one when they need it.
    expect(await redis().hlen(keys.apiKeys(bob.info.projectId))).toBe(0);
    const feedback = await asSession(open, bob.token, { method: 'GET', url: '/feedback' });
    expect(feedback.statusCode).toBe(200);
  });

  it('refuses a taken email (any case) with 409, and bad input with 422', async () => {
    const email = uniqueEmail('taken');
    await signUp(open, { email });
    const again = await open.request({
      method: 'POST',
      url: '/auth/signup',
      token: null,
      payload: { email: email.toUpperCase(), password: PASSWORD, name: 'Again' },
    });
    expect(again.statusCode).toBe(409);
    for (const payload of [
      { email: 'not-an-email', password: PASSWORD, name: 'X' },
      { email: uniqueEmail(), password: 'short', name: 'X' },
      { email: uniqueEmail(), password: PASSWORD, name: ' ' },
      { email: uniqueEmail(), password: PASSWORD },
    ]) {
      const res = await open.request({ method: 'POST', url: '/auth/signup', token: null, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
    }
  });

  it("refuses a sign-up sent by another site's page", async () => {
    const res = await open.request({
      method: 'POST',
      url: '/auth/signup',
      token: null,
      headers: { origin: 'https://evil.example' },
      payload: { email: uniqueEmail(), password: PASSWORD, name: 'X' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('stores only a salted scrypt hash with its parameters', async () => {
    const a = await signUp(open, { password: 'the same long password' });
    const b = await signUp(open, { password: 'the same long password' });
    const stored = await redis().hgetall(keys.user(a.userId));
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(stored)).not.toContain('the same long password');
    const other = await redis().hget(keys.user(b.userId), 'passwordHash');
    expect(other).not.toBe(stored.passwordHash);
    expect(await redis().hget(keys.userEmails(), a.email)).toBe(a.userId);
    // The session holds the user id only.
    const session = await redis().hgetall(`session:${sha256(a.token)}`);
    expect(session).toMatchObject({ kind: 'user', userId: a.userId });
  });
});

describe('sign-in with a password', () => {
  it('signs in with the right password (any email case) and refuses a wrong one or an unknown email alike', async () => {
    const u = await signUp(open);
    const ok = await logIn(open, u.email.toUpperCase(), u.password, '10.1.0.1');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<SessionInfo>().principal.user?.id).toBe(u.userId);
    const token = sessionCookieOf(ok);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await asSession(open, token, { method: 'GET', url: '/auth/me' })).statusCode).toBe(200);

    const wrong = await logIn(open, u.email, 'not the password', '10.1.0.1');
    const unknown = await logIn(open, uniqueEmail('nobody'), 'not the password', '10.1.0.1');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong email or password' } });
      expect(sessionCookieOf(res)).toBe('');
    }
  });

  it('spends about the same time on an unknown email as on a wrong password', async () => {
    const u = await signUp(open);
    const time = async (email: string) => {
      const t0 = performance.now();
      await logIn(open, email, 'wrong password', '10.1.0.2');
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await time(u.email));
      unknown.push(await time(uniqueEmail('ghost')));
    }
    // scrypt dominates both: an unknown email is not answered without the work.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it('answers 429 with Retry-After after 10 failures for one email; a success does not count', async () => {
    const u = await signUp(open);
    // A success takes its attempt back.
    expect((await logIn(open, u.email, u.password, '10.2.0.1')).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await logIn(open, u.email, 'wrong', `10.2.1.${i}`)).statusCode).toBe(401);
    }
    const limited = await logIn(open, u.email, u.password, '10.2.2.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      error: { code: 'rate_limited', details: { retryAfterS: expect.any(Number) } },
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(sessionCookieOf(limited)).toBe('');
    // Another account is not affected.
    const other = await signUp(open);
    expect((await logIn(open, other.email, other.password, '10.2.2.1')).statusCode).toBe(200);
    // The counter lives in Redis with the window as its expiry.
    const ttl = await redis().pttl(keys.attempts(`login:email:${sha256(u.email)}`));
    expect(ttl).toBeGreaterThan(800_000);
  });

  it('answers 429 after 50 failures from one address, whatever the emails', async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < 50; i++) {
      expect((await logIn(open, uniqueEmail('spray'), 'guess', ip)).statusCode).toBe(401);
    }
    const limited = await logIn(open, uniqueEmail('spray'), 'guess', ip);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const u = await signUp(open);
    expect((await logIn(open, u.email, u.password, '10.3.0.2')).statusCode).toBe(200);
  });

  it('still signs in with an API key as before', async () => {
    const p = await open.createProject();
    const res = await open.request({
      method: 'POST',
      url: '/auth/login',
      token: null,
      payload: { apiKey: p.apiKey },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<SessionInfo>().principal.kind).toBe('key');
  });
});

describe('user sessions', () => {
  it('end on logout', async () => {
    const u = await signUp(open);
    const out = await asSession(open, u.token, { method: 'POST', url: '/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect((await asSession(open, u.token, { method: 'GET', url: '/auth/me' })).statusCode).toBe(401);
  });

  it('expire after SESSION_TTL_S without use', async () => {
    const u = await signUp(open);
    const res = await logIn(short, u.email, u.password, '10.4.0.1');
    expect(res.statusCode).toBe(200);
    const token = sessionCookieOf(res);
    expect(res.headers['set-cookie']).toContain('Max-Age=1');
    expect((await asSession(short, token, { method: 'GET', url: '/auth/me' })).statusCode).toBe(200);
    await sleep(1_300);
    const expired = await asSession(short, token, { method: 'GET', url: '/auth/me' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { message: 'session expired or ended: sign in again' } });
  });

  it('need the dashboard origin for writes', async () => {
    const u = await signUp(open);
    const res = await open.request({
      method: 'POST',
      url: `/projects/${u.info.projectId}/feedback`,
      token: null,
      headers: { cookie: `fixloop_session=${u.token}`, origin: 'https://evil.example' },
      payload: { title: 'forged' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { message: 'cross-site request refused' } });
  });
});

describe('projects of users', () => {
  it('lets a signed-in user create projects they own, lists only theirs, and keeps keys out of POST /projects', async () => {
    const u = await signUp(open);
    const created = await asSession(open, u.token, {
      method: 'POST',
      url: '/projects',
      payload: { name: 'Zeta Web' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ project: { id: string; ownerUserId: string }; apiKey: string }>();
    expect(body.project.ownerUserId).toBe(u.userId);
    expect(body.apiKey).toMatch(/^flk_/);
    const list = await asSession(open, u.token, { method: 'GET', url: '/projects' });
    expect(
      list
        .json<{ items: Array<{ id: string }> }>()
        .items.map((p) => p.id)
        .sort(),
    ).toEqual([u.info.projectId, body.project.id].sort());
    const me = await asSession(open, u.token, { method: 'GET', url: '/auth/me' });
    expect(me.json<SessionInfo>().projects).toContainEqual({
      id: body.project.id,
      name: 'Zeta Web',
      role: 'owner',
    });
    // The instance admin sees every project.
    const all = await asSession(closed, first.token, { method: 'GET', url: '/projects' });
    expect(all.json<{ items: Array<{ id: string }> }>().items.map((p) => p.id)).toContain(body.project.id);
  });
});

describe('account settings', () => {
  it('default to sign-up closed and no GitHub; GitHub needs both the id and the secret', () => {
    expect(loadConfig({}).accounts).toEqual({ allowSignup: false, github: null });
    expect(
      loadConfig({
        ALLOW_SIGNUP: 'true',
        GITHUB_CLIENT_ID: 'id',
        GITHUB_CLIENT_SECRET: 'secret',
        GITHUB_OAUTH_URL: 'https://ghe.example.com/',
      }).accounts,
    ).toEqual({
      allowSignup: true,
      github: { clientId: 'id', clientSecret: 'secret', oauthUrl: 'https://ghe.example.com' },
    });
    expect(() => loadConfig({ GITHUB_CLIENT_ID: 'id' })).toThrow(ConfigError);
    expect(() => loadConfig({ GITHUB_CLIENT_SECRET: 'secret' })).toThrow(/GITHUB_CLIENT_ID/);
    expect(() => loadConfig({ CODING_AGENT_ENV: 'GITHUB_CLIENT_SECRET' })).toThrow(/CODING_AGENT_ENV/);
  });
});
