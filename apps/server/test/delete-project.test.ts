import { createHash } from 'node:crypto';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, type SignedIn, sessionCookieOf, signUp } from './support/accounts.js';
import { createTestContext, type TestContext } from './support/context.js';

let ctx: TestContext;
let owner: SignedIn;
let member: SignedIn;

beforeAll(async () => {
  ctx = await createTestContext({ ALLOW_SIGNUP: 'true' });
  await signUp(ctx, { name: 'Operator' });
  owner = await signUp(ctx, { name: 'Owner' });
  member = await signUp(ctx, { name: 'Member' });
});
afterAll(async () => ctx?.close());

const redis = () => ctx.runtime.container.redis;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis().scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** A project owned by `owner` with reports, config, a member, two keys and a key session. */
async function populated(name: string) {
  const created = await asSession(ctx, owner.token, { method: 'POST', url: '/projects', payload: { name } });
  const body = created.json<{ project: { id: string }; apiKey: string }>();
  const pid = body.project.id;
  const second = await ctx.request({
    method: 'POST',
    url: `/projects/${pid}/api-keys`,
    token: body.apiKey,
    payload: { name: 'ci', scopes: ['ingest'] },
  });
  const ciKey = second.json<{ apiKey: string }>().apiKey;
  for (let i = 0; i < 30; i++) {
    await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: ciKey,
      payload: { title: `Report ${i} of ${name}` },
    });
  }
  await ctx.request({
    method: 'PUT',
    url: '/config/reddit/subreddits',
    token: body.apiKey,
    payload: { subreddits: ['fixloop_test'] },
  });
  await ctx.request({
    method: 'PUT',
    url: `/projects/${pid}/secrets`,
    token: body.apiKey,
    payload: { githubToken: 'ghp_secret' },
  });
  await asSession(ctx, owner.token, {
    method: 'POST',
    url: `/projects/${pid}/members`,
    payload: { email: member.email, role: 'member' },
  });
  const login = await ctx.request({
    method: 'POST',
    url: '/auth/login',
    token: null,
    payload: { apiKey: body.apiKey },
  });
  return { pid, name, apiKey: body.apiKey, ciKey, keySession: sessionCookieOf(login) };
}

describe('DELETE /projects/{pid}', () => {
  it('answers 422 when the confirmation is not the name, and deletes nothing', async () => {
    const p = await populated('Keep Me');
    for (const confirm of ['keep me', 'Keep Me ', p.pid]) {
      const res = await asSession(ctx, owner.token, {
        method: 'DELETE',
        url: `/projects/${p.pid}`,
        payload: { confirm },
      });
      expect(res.statusCode, confirm).toBe(422);
      expect(res.json()).toMatchObject({
        error: { code: 'validation_failed', details: { issues: [{ path: 'body.confirm' }] } },
      });
    }
    const missing = await asSession(ctx, owner.token, { method: 'DELETE', url: `/projects/${p.pid}` });
    expect(missing.statusCode).toBe(422);
    expect(await redis().zcard(keys.feedbackCreated(p.pid))).toBe(30);
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: p.apiKey })).statusCode).toBe(200);
  });

  it('is for owners (and admin-scoped keys): members and ingest keys get 403', async () => {
    const p = await populated('Guarded');
    const byMember = await asSession(ctx, member.token, {
      method: 'DELETE',
      url: `/projects/${p.pid}`,
      payload: { confirm: p.name },
    });
    expect(byMember.statusCode).toBe(403);
    const byIngestKey = await ctx.request({
      method: 'DELETE',
      url: `/projects/${p.pid}`,
      token: p.ciKey,
      payload: { confirm: p.name },
    });
    expect(byIngestKey.statusCode).toBe(403);
    expect(await redis().exists(keys.project(p.pid))).toBe(1);
  });

  it('removes every key under the prefix, its keys, their sessions and its memberships', async () => {
    const p = await populated('Doomed');
    const other = await populated('Bystander');
    expect((await keysUnder(keys.prefix(p.pid))).length).toBeGreaterThan(30);

    const res = await asSession(ctx, owner.token, {
      method: 'DELETE',
      url: `/projects/${p.pid}`,
      payload: { confirm: 'Doomed' },
    });
    expect(res.statusCode, res.body).toBe(204);

    expect(await keysUnder(keys.prefix(p.pid))).toEqual([]);
    expect(await redis().exists(keys.project(p.pid))).toBe(0);
    expect(await redis().sismember(keys.projectsAll(), p.pid)).toBe(0);
    expect(await redis().exists(keys.apiKey(sha256(p.apiKey)), keys.apiKey(sha256(p.ciKey)))).toBe(0);
    expect(await redis().exists(keys.session(sha256(p.keySession)))).toBe(0);
    for (const u of [owner, member]) {
      expect(await redis().zscore(keys.userProjects(u.userId), p.pid)).toBeNull();
    }
    // Its keys no longer authenticate; its session is over; its id is unknown.
    for (const key of [p.apiKey, p.ciKey]) {
      const again = await ctx.request({ method: 'GET', url: '/feedback', token: key });
      expect(again.statusCode).toBe(401);
    }
    expect((await asSession(ctx, p.keySession, { method: 'GET', url: '/auth/me' })).statusCode).toBe(401);
    // Its former owner no longer belongs to it (403, as for any project not theirs); to the admin it is gone.
    expect((await asSession(ctx, owner.token, { method: 'GET', url: `/projects/${p.pid}` })).statusCode).toBe(
      403,
    );
    expect((await ctx.request({ method: 'GET', url: `/projects/${p.pid}` })).statusCode).toBe(404);
    const me = await asSession(ctx, member.token, { method: 'GET', url: '/auth/me' });
    expect(me.json<{ projects: Array<{ id: string }> }>().projects.map((x) => x.id)).not.toContain(p.pid);

    // The other project is untouched.
    expect(await redis().zcard(keys.feedbackCreated(other.pid))).toBe(30);
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: other.apiKey })).statusCode).toBe(
      200,
    );
  });

  it('refuses to delete the default project (409)', async () => {
    const res = await ctx.request({
      method: 'DELETE',
      url: '/projects/default',
      payload: { confirm: 'Default' },
    });
    expect(res.statusCode).toBe(409);
  });
});
