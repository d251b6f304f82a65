import type { SessionInfo } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, type SignedIn, signUp } from './support/accounts.js';
import { createTestContext, type TestContext } from './support/context.js';

let ctx: TestContext;
let owner: SignedIn;
let member: SignedIn;
let viewer: SignedIn;
let outsider: SignedIn;
let pid: string;
let itemId: string;

beforeAll(async () => {
  ctx = await createTestContext({ ALLOW_SIGNUP: 'true' });
  await signUp(ctx, { name: 'Operator' }); // the first account: instance admin, not part of the matrix
  owner = await signUp(ctx, { name: 'Olive Owner' });
  member = await signUp(ctx, { name: 'Mo Member' });
  viewer = await signUp(ctx, { name: 'Vi Viewer' });
  outsider = await signUp(ctx, { name: 'Otto Outsider' });
  const created = await asSession(ctx, owner.token, {
    method: 'POST',
    url: '/projects',
    payload: { name: 'Roles' },
  });
  pid = created.json<{ project: { id: string } }>().project.id;
  for (const [who, role] of [
    [member, 'member'],
    [viewer, 'viewer'],
  ] as const) {
    const res = await asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: who.email, role },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const item = await asSession(ctx, owner.token, {
    method: 'POST',
    url: `/projects/${pid}/feedback`,
    payload: { title: 'Checkout button does nothing' },
  });
  itemId = item.json<{ id: string }>().id;
});
afterAll(async () => ctx?.close());

type Access = 'read' | 'ingest' | 'write' | 'manage';

/** One request per kind of access; each answers 2xx when allowed. */
function probes(): Record<Access, InjectOptions[]> {
  const p = `/projects/${pid}`;
  return {
    read: [
      { method: 'GET', url: `${p}/feedback` },
      { method: 'GET', url: `${p}/clusters` },
      { method: 'GET', url: `${p}/members` },
    ],
    ingest: [
      { method: 'POST', url: `${p}/feedback`, payload: { title: 'Crash on login' } },
      { method: 'POST', url: `${p}/feedback/import`, payload: [{ title: 'Imported report' }] },
    ],
    write: [
      {
        method: 'PUT',
        url: `${p}/feedback/${itemId}`,
        payload: { title: 'Checkout button does nothing (edited)' },
      },
      { method: 'POST', url: `${p}/cluster-jobs` },
    ],
    manage: [
      { method: 'PATCH', url: p, payload: { name: 'Roles' } },
      { method: 'PUT', url: `${p}/repository`, payload: { owner: 'acme', name: 'shop' } },
      { method: 'GET', url: `${p}/api-keys` },
      { method: 'PUT', url: `${p}/automation`, payload: { level: 'draft_pr' } },
    ],
  };
}

async function expectMatrix(
  label: string,
  send: (opts: InjectOptions) => Promise<LightMyRequestResponse>,
  allowed: Access[],
): Promise<void> {
  for (const [access, requests] of Object.entries(probes()) as Array<[Access, InjectOptions[]]>) {
    for (const opts of requests) {
      const res = await send(opts);
      const what = `${label} ${opts.method} ${opts.url}: ${res.body}`;
      if (allowed.includes(access)) {
        expect(res.statusCode, what).toBeGreaterThanOrEqual(200);
        expect(res.statusCode, what).toBeLessThan(300);
      } else {
        expect(res.statusCode, what).toBe(403);
        expect(res.json<{ error: { code: string } }>().error.code, what).toBe('forbidden');
      }
    }
  }
}

const asUser = (u: SignedIn) => (opts: InjectOptions) => asSession(ctx, u.token, opts);
const asKey = (key: string) => (opts: InjectOptions) => ctx.request({ ...opts, token: key });

async function keyWith(scopes?: string[], name = scopes?.join('+') ?? 'no scopes given'): Promise<string> {
  const res = await asSession(ctx, owner.token, {
    method: 'POST',
    url: `/projects/${pid}/api-keys`,
    payload: scopes === undefined ? { name } : { name, scopes },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ apiKey: string }>().apiKey;
}

describe('roles', () => {
  it('owner: reads, ingests, writes and manages', async () => {
    await expectMatrix('owner', asUser(owner), ['read', 'ingest', 'write', 'manage']);
  });

  it('member: reads, ingests and writes data, but cannot manage the project', async () => {
    await expectMatrix('member', asUser(member), ['read', 'ingest', 'write']);
    const res = await asSession(ctx, member.token, { method: 'GET', url: `/projects/${pid}/api-keys` });
    expect(res.json()).toMatchObject({
      error: { message: `a member of project ${pid} cannot manage the project's settings, keys and members` },
    });
  });

  it('viewer: reads only', async () => {
    await expectMatrix('viewer', asUser(viewer), ['read']);
    const res = await asSession(ctx, viewer.token, {
      method: 'POST',
      url: `/projects/${pid}/feedback`,
      payload: { title: 'x' },
    });
    expect(res.json()).toMatchObject({ error: { details: { role: 'viewer', needs: 'ingest' } } });
  });

  it('someone outside the project: nothing', async () => {
    await expectMatrix('outsider', asUser(outsider), []);
  });

  it('lists the roles in /auth/me, and root routes act on the project joined first', async () => {
    const me = await asSession(ctx, viewer.token, { method: 'GET', url: '/auth/me' });
    const info = me.json<SessionInfo>();
    expect(info.projects).toContainEqual({ id: pid, name: 'Roles', role: 'viewer' });
    expect(info.projectId).not.toBe(pid); // their own project came first
    const root = await asSession(ctx, viewer.token, {
      method: 'POST',
      url: '/feedback',
      payload: { title: 'own' },
    });
    expect(root.statusCode).toBe(201);
    expect(root.json<{ projectId: string }>().projectId).toBe(info.projectId);
  });
});

describe('API key scopes', () => {
  it('read: GET data routes only', async () => {
    await expectMatrix('read key', asKey(await keyWith(['read'])), ['read']);
  });

  it('ingest: adds reports (POST /feedback, /feedback/import, /ingest/…) and nothing else', async () => {
    const key = await keyWith(['ingest']);
    await expectMatrix('ingest key', asKey(key), ['ingest']);
    const reddit = await ctx.request({
      method: 'POST',
      url: '/ingest/reddit',
      token: key,
      payload: {
        externalId: 'abc123',
        title: 'From Reddit',
        body: 'text',
        url: 'https://www.reddit.com/r/x/comments/abc123/',
      },
    });
    expect(reddit.statusCode, reddit.body).toBe(201);
    expect((await ctx.request({ method: 'GET', url: '/ingest/github/repos', token: key })).statusCode).toBe(
      403,
    );
    const denied = await ctx.request({ method: 'GET', url: '/feedback', token: key });
    expect(denied.json()).toMatchObject({
      error: { code: 'forbidden', message: "this key's scopes (ingest) do not allow it to read data" },
    });
  });

  it('read + ingest together', async () => {
    await expectMatrix('read+ingest key', asKey(await keyWith(['read', 'ingest'])), ['read', 'ingest']);
  });

  it('admin, and keys made without scopes, may do what the owner may', async () => {
    await expectMatrix('admin key', asKey(await keyWith(['admin'])), ['read', 'ingest', 'write', 'manage']);
    await expectMatrix('default key', asKey(await keyWith()), ['read', 'ingest', 'write', 'manage']);
  });

  it('keys stored before scopes existed keep full access and list as ["admin"]', async () => {
    const key = await keyWith(['read'], 'legacy');
    const { createHash } = await import('node:crypto');
    await ctx.runtime.container.redis.hdel(
      keys.apiKey(createHash('sha256').update(key).digest('hex')),
      'scopes',
    );
    await expectMatrix('legacy key', asKey(key), ['read', 'ingest', 'write', 'manage']);
    const list = await asSession(ctx, owner.token, { method: 'GET', url: `/projects/${pid}/api-keys` });
    const scopes = list
      .json<{ items: Array<{ name: string; scopes: string[] }> }>()
      .items.find((k) => k.name === 'legacy');
    expect(scopes?.scopes).toEqual(['admin']);
  });

  it('shows scopes in the list and refuses unknown scopes with 422', async () => {
    const list = await asSession(ctx, owner.token, { method: 'GET', url: `/projects/${pid}/api-keys` });
    expect(list.json<{ items: Array<{ scopes: string[] }> }>().items.map((k) => k.scopes)).toContainEqual([
      'ingest',
      'read',
    ]);
    for (const scopes of [['everything'], []]) {
      const res = await asSession(ctx, owner.token, {
        method: 'POST',
        url: `/projects/${pid}/api-keys`,
        payload: { name: 'bad', scopes },
      });
      expect(res.statusCode).toBe(422);
    }
  });
});

describe('members', () => {
  it('refuses an email without an account (404, saying so) and bad roles (422)', async () => {
    const res = await asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: 'nobody-here@example.com', role: 'member' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('sign up first');
    const bad = await asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: member.email, role: 'king' },
    });
    expect(bad.statusCode).toBe(422);
  });

  it('lists members with their roles', async () => {
    const res = await asSession(ctx, viewer.token, { method: 'GET', url: `/projects/${pid}/members` });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Array<{ userId: string; role: string; email: string }> }>().items;
    expect(items.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [owner.userId, 'owner'],
        [member.userId, 'member'],
        [viewer.userId, 'viewer'],
      ].sort(),
    );
  });

  it('keeps the last owner (409), lets a second owner take over, and removal ends access', async () => {
    const removeOwner = await asSession(ctx, owner.token, {
      method: 'DELETE',
      url: `/projects/${pid}/members/${owner.userId}`,
    });
    expect(removeOwner.statusCode).toBe(409);
    const demote = await asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: owner.email, role: 'member' },
    });
    expect(demote.statusCode).toBe(409);

    const promote = await asSession(ctx, owner.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: member.email, role: 'owner' },
    });
    expect(promote.statusCode).toBe(200);
    expect(promote.json()).toMatchObject({ userId: member.userId, role: 'owner' });
    const removeViewer = await asSession(ctx, member.token, {
      method: 'DELETE',
      url: `/projects/${pid}/members/${viewer.userId}`,
    });
    expect(removeViewer.statusCode).toBe(204);
    const gone = await asSession(ctx, viewer.token, { method: 'GET', url: `/projects/${pid}/feedback` });
    expect(gone.statusCode).toBe(403);
    const me = await asSession(ctx, viewer.token, { method: 'GET', url: '/auth/me' });
    expect(me.json<SessionInfo>().projects.map((p) => p.id)).not.toContain(pid);
    const again = await asSession(ctx, member.token, {
      method: 'DELETE',
      url: `/projects/${pid}/members/${viewer.userId}`,
    });
    expect(again.statusCode).toBe(404);
    // Back as they were, for the tests after this one.
    await asSession(ctx, member.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: member.email, role: 'member' },
    });
  });

  it('members cannot manage members', async () => {
    const res = await asSession(ctx, member.token, {
      method: 'POST',
      url: `/projects/${pid}/members`,
      payload: { email: outsider.email, role: 'owner' },
    });
    expect(res.statusCode).toBe(403);
  });
});
