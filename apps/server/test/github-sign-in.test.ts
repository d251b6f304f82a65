import { createHash } from 'node:crypto';
import type { SessionInfo } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, sessionCookieOf, signUp, uniqueEmail } from './support/accounts.js';
import { createTestContext, type TestContext } from './support/context.js';
import {
  type GithubOAuthAccount,
  type GithubOAuthFixture,
  githubOAuthAccount,
  githubOAuthApi,
  type StandIn,
  startStandIn,
} from './support/stand-ins.js';

const PUBLIC = 'http://fixloop.test:8000';
const fixture: GithubOAuthFixture = {
  clientId: 'Iv1.testclient',
  clientSecret: 'gh-client-secret-123',
  codes: new Map(),
};
let github: StandIn;
/** Sign-up open, GitHub configured. */
let open: TestContext;
/** Sign-up closed (the default), GitHub configured. */
let closed: TestContext;
/** No GitHub client configured. */
let plain: TestContext;
let nextId = 5_000;

beforeAll(async () => {
  github = await startStandIn(githubOAuthApi(fixture));
  const env = {
    PUBLIC_URL: PUBLIC,
    GITHUB_CLIENT_ID: fixture.clientId,
    GITHUB_CLIENT_SECRET: fixture.clientSecret,
    GITHUB_OAUTH_URL: github.url,
    GITHUB_API_URL: github.url,
  };
  open = await createTestContext({ ...env, ALLOW_SIGNUP: 'true' });
  closed = await createTestContext(env);
  plain = await createTestContext({ PUBLIC_URL: PUBLIC });
  await signUp(open, { name: 'Operator' }); // the first account (instance admin)
});
afterAll(async () => {
  await plain?.close();
  await closed?.close();
  await open?.close();
  await github?.close();
});

const redis = () => open.runtime.container.redis;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function cookieNamed(res: LightMyRequestResponse, name: string): string | undefined {
  const h = res.headers['set-cookie'];
  const all = Array.isArray(h) ? h : h === undefined ? [] : [String(h)];
  return all.find((c) => c.startsWith(`${name}=`));
}

/** `GET /auth/github`: where it sends the browser, the state, and the cookie binding it. */
async function start(ctx: TestContext) {
  const res = await ctx.request({ method: 'GET', url: '/auth/github', token: null });
  expect(res.statusCode, res.body).toBe(302);
  const location = new URL(String(res.headers.location));
  const state = location.searchParams.get('state') ?? '';
  return { res, location, state, cookie: cookieNamed(res, 'fixloop_oauth_state') ?? '' };
}

/** GitHub sending the browser back: `?code&state`, with the browser's state cookie unless told otherwise. */
function callback(ctx: TestContext, query: Record<string, string>, stateCookie: string | null) {
  return ctx.request({
    method: 'GET',
    url: `/auth/github/callback?${new URLSearchParams(query)}`,
    token: null,
    headers: stateCookie === null ? {} : { cookie: `fixloop_oauth_state=${stateCookie}` },
  });
}

/** A full sign-in as `account`: answers the callback's response. */
async function signInAs(ctx: TestContext, account: GithubOAuthAccount) {
  const code = `code-${nextId++}`;
  fixture.codes.set(code, account);
  const { state } = await start(ctx);
  return callback(ctx, { code, state }, state);
}

function expectBackToLogin(res: LightMyRequestResponse, reason: string) {
  expect(res.statusCode, res.body).toBe(302);
  expect(res.headers.location).toBe(`/app/login?error=github_${reason}`);
  expect(sessionCookieOf(res)).toBe('');
}

describe('GET /auth/github', () => {
  it("redirects to GitHub's authorize page with a one-use state bound to the browser", async () => {
    const { location, state, cookie } = await start(open);
    expect(`${location.origin}${location.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe(fixture.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/auth/github/callback`);
    expect(location.searchParams.get('scope')?.split(' ')).toEqual(['read:user', 'user:email', 'repo']);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toBe(
      `fixloop_oauth_state=${state}; HttpOnly; SameSite=Lax; Path=/auth/github; Max-Age=600`,
    );
    const stored = keys.oauthState(`github:${sha256(state)}`);
    expect(await redis().get(stored)).toBe('1');
    const ttl = await redis().pttl(stored);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('answers 404 and tells the dashboard when GitHub is not configured', async () => {
    expect((await plain.request({ method: 'GET', url: '/auth/github', token: null })).statusCode).toBe(404);
    expect((await open.request({ method: 'GET', url: '/auth/options', token: null })).json()).toEqual({
      signup: true,
      github: true,
    });
  });
});

describe('GET /auth/github/callback', () => {
  it('makes an account from a verified primary email, keeps the token sealed, signs in and goes to /app/', async () => {
    const email = uniqueEmail('octo');
    const account = githubOAuthAccount(nextId++, 'octo-new', email, { name: 'Octo New' });
    const before = github.requests.length;
    const res = await signInAs(open, account);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/app/');
    const token = sessionCookieOf(res);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The state cookie is cleared on the way back.
    expect(cookieNamed(res, 'fixloop_oauth_state')).toContain('Max-Age=0');

    const me = await asSession(open, token, { method: 'GET', url: '/auth/me' });
    const info = me.json<SessionInfo>();
    expect(info.principal.user).toMatchObject({
      email,
      name: 'Octo New',
      githubLogin: 'octo-new',
      admin: false,
    });
    expect(info.projects).toHaveLength(1);

    const exchange = github.requests.slice(before).find((r) => r.path === '/login/oauth/access_token');
    expect(JSON.parse(exchange?.body ?? '{}')).toMatchObject({
      client_id: fixture.clientId,
      client_secret: fixture.clientSecret,
      redirect_uri: `${PUBLIC}/auth/github/callback`,
    });
    const stored = await redis().hgetall(keys.user(info.principal.user?.id ?? ''));
    expect(stored.githubId).toBe(String(account.user.id));
    expect(stored.githubToken).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(account.token);
    expect(open.runtime.container.accountDeps.cipher.decrypt(stored.githubToken ?? '')).toBe(account.token);
    expect(stored.passwordHash).toBeUndefined();
  });

  it('uses a state once: the same link again goes back to the sign-in page without a session', async () => {
    const account = githubOAuthAccount(nextId++, 'octo-twice', uniqueEmail('twice'));
    const code = `code-${nextId++}`;
    fixture.codes.set(code, account);
    const { state } = await start(open);
    const first = await callback(open, { code, state }, state);
    expect(first.headers.location).toBe('/app/');
    const secondCode = `code-${nextId++}`;
    fixture.codes.set(secondCode, account);
    expectBackToLogin(await callback(open, { code: secondCode, state }, state), 'expired');
    expect(fixture.codes.has(secondCode)).toBe(true); // GitHub was not even asked
  });

  it('refuses a state this browser was not given, or one never issued', async () => {
    const account = githubOAuthAccount(nextId++, 'octo-csrf', uniqueEmail('csrf'));
    const code = `code-${nextId++}`;
    fixture.codes.set(code, account);
    const { state } = await start(open);
    expectBackToLogin(await callback(open, { code, state }, null), 'expired');
    expectBackToLogin(await callback(open, { code, state }, 'another-browsers-state'), 'expired');
    const forged = 'f'.repeat(43);
    expectBackToLogin(await callback(open, { code, state: forged }, forged), 'expired');
    // The real state, still unused, works in its own browser.
    expect((await callback(open, { code, state }, state)).headers.location).toBe('/app/');
  });

  it('links an existing account by verified primary email, then finds it by GitHub id', async () => {
    const person = await signUp(open, { name: 'Pat' });
    const account = githubOAuthAccount(nextId++, 'pat-gh', person.email);
    const res = await signInAs(open, account);
    expect(res.headers.location).toBe('/app/');
    const me = await asSession(open, sessionCookieOf(res), { method: 'GET', url: '/auth/me' });
    expect(me.json<SessionInfo>().principal.user).toMatchObject({ id: person.userId, githubLogin: 'pat-gh' });
    // Later, with another primary email on GitHub: still the same account, by GitHub id.
    const moved = {
      ...account,
      emails: [{ email: uniqueEmail('moved'), primary: true, verified: true, visibility: null }],
    };
    const again = await signInAs(open, moved as GithubOAuthAccount);
    const me2 = await asSession(open, sessionCookieOf(again), { method: 'GET', url: '/auth/me' });
    expect(me2.json<SessionInfo>().principal.user?.id).toBe(person.userId);
  });

  it('does not link by an unverified email, nor make an account without a verified primary email', async () => {
    const person = await signUp(open, { name: 'Quinn' });
    const account = githubOAuthAccount(nextId++, 'quinn-impostor', person.email, {
      emails: [{ email: person.email, primary: true, verified: false, visibility: 'private' }],
    });
    expectBackToLogin(await signInAs(open, account), 'no_verified_email');
    expect(await redis().hget(keys.user(person.userId), 'githubId')).toBeNull();
  });

  it('refuses to link an account already linked to another GitHub account', async () => {
    const person = await signUp(open, { name: 'Rae' });
    expect(
      (await signInAs(open, githubOAuthAccount(nextId++, 'rae-one', person.email))).headers.location,
    ).toBe('/app/');
    expectBackToLogin(
      await signInAs(open, githubOAuthAccount(nextId++, 'rae-two', person.email)),
      'linked_elsewhere',
    );
  });

  it('follows the sign-up rule for new accounts, but signs existing people in when sign-up is closed', async () => {
    expectBackToLogin(
      await signInAs(closed, githubOAuthAccount(nextId++, 'stranger', uniqueEmail('stranger'))),
      'signup_closed',
    );
    const person = await signUp(open, { name: 'Sam' });
    const res = await signInAs(closed, githubOAuthAccount(nextId++, 'sam-gh', person.email));
    expect(res.headers.location).toBe('/app/');
  });

  it('goes back to the sign-in page when the person cancels on GitHub or the code is refused', async () => {
    const a = await start(open);
    expectBackToLogin(await callback(open, { error: 'access_denied', state: a.state }, a.state), 'denied');
    expect(await redis().exists(keys.oauthState(`github:${sha256(a.state)}`))).toBe(0);
    const b = await start(open);
    expectBackToLogin(await callback(open, { code: 'not-a-code', state: b.state }, b.state), 'refused');
  });
});
