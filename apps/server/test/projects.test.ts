import { createHash } from 'node:crypto';
import { getSecret } from '@fixloop/domain';
import { keys } from '@fixloop/store';
import type { InjectOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

interface ProjectBody {
  id: string;
  name: string;
  createdAt: string;
  repository?: Record<string, unknown>;
  secrets: { githubToken: boolean; sentryWebhookSecret: boolean; githubWebhookSecret: boolean };
}
type Project = { id: string; apiKey: string };

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const redis = () => ctx.runtime.container.redis;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Every key matching `pattern` with everything it holds, as one text to search. */
async function dumpRedis(r: Redis, pattern: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      out.push(key);
      const type = await r.type(key);
      if (type === 'string') out.push(String(await r.get(key)));
      else if (type === 'hash') out.push(...Object.entries(await r.hgetall(key)).flat());
      else if (type === 'set') out.push(...(await r.smembers(key)));
      else if (type === 'zset') out.push(...(await r.zrange(key, 0, -1)));
      else if (type === 'list') out.push(...(await r.lrange(key, 0, -1)));
      else out.push(`<${type}>`);
    }
  } while (cursor !== '0');
  return out.join('\n');
}

async function createProjectRaw(name: string) {
  return ctx.request({ method: 'POST', url: '/projects', payload: { name } });
}

describe('POST /projects', () => {
  it('creates a project with its first key (admin only)', async () => {
    const name = `Widget Co ${ctx.tag}`;
    const before = Date.now();
    const res = await createProjectRaw(name);
    expect(res.statusCode).toBe(201);
    const body = res.json<{ project: ProjectBody; apiKey: string }>();
    expect(Object.keys(body).sort()).toEqual(['apiKey', 'project']);
    expect(body.project).toEqual({
      id: `widget-co-${ctx.tag}`,
      name,
      createdAt: expect.any(String),
      secrets: { githubToken: false, sentryWebhookSecret: false, githubWebhookSecret: false },
    });
    expect(Date.parse(body.project.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(body.apiKey).toMatch(/^flk_[A-Za-z0-9_-]{43}$/);
    expect(await redis().sismember(keys.projectsAll(), body.project.id)).toBe(1);
    expect(await redis().hgetall(keys.project(body.project.id))).toEqual({
      id: body.project.id,
      name,
      createdAt: body.project.createdAt,
    });
    // The first key works on the new project.
    const feedback = await ctx.request({ method: 'GET', url: '/feedback', token: body.apiKey });
    expect(feedback.statusCode).toBe(200);
    expect(feedback.json()).toEqual({ items: [] });
  });

  it('makes slug ids unique', async () => {
    const name = `Acme ${ctx.tag}`;
    const ids: string[] = [];
    for (const n of [name, name, name.toUpperCase(), ` ${name}!! `]) {
      const res = await createProjectRaw(n);
      expect(res.statusCode).toBe(201);
      ids.push(res.json<{ project: ProjectBody }>().project.id);
    }
    const base = `acme-${ctx.tag}`;
    expect(ids).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`]);
    const accented = await createProjectRaw(`Ünïcödé Café ${ctx.tag}`);
    expect(accented.json<{ project: ProjectBody }>().project.id).toBe(`unicode-cafe-${ctx.tag}`);
  });

  it('gives concurrent creations of one name distinct ids', async () => {
    const name = `Race ${ctx.tag}`;
    const responses = await Promise.all(Array.from({ length: 6 }, () => createProjectRaw(name)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array<number>(6).fill(201));
    const ids = responses.map((r) => r.json<{ project: ProjectBody }>().project.id).sort();
    const base = `race-${ctx.tag}`;
    expect(ids).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`, `${base}-6`].sort());
    const keysOf = await Promise.all(ids.map((id) => redis().hlen(keys.apiKeys(id))));
    expect(keysOf).toEqual(Array<number>(6).fill(1));
  });

  it('rejects names without a letter or digit, empty or too long', async () => {
    for (const name of ['', '   ', '---', '!!!', 'x'.repeat(101)]) {
      const res = await createProjectRaw(name);
      expect(res.statusCode, JSON.stringify(name)).toBe(422);
      const err = res.json<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>().error;
      expect(err.code).toBe('validation_failed');
      expect(err.details.issues.length).toBeGreaterThan(0);
      for (const issue of err.details.issues) expect(issue.path).toBe('body.name');
    }
    expect((await ctx.request({ method: 'POST', url: '/projects', payload: {} })).statusCode).toBe(422);
  });

  it('refuses a project key (403) and a missing key (401)', async () => {
    const p = await ctx.createProject();
    const before = await redis().scard(keys.projectsAll());
    const res = await ctx.request({
      method: 'POST',
      url: '/projects',
      token: p.apiKey,
      payload: { name: `Sneaky ${ctx.tag}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'only a signed-in user or the admin key can do this, not a project key',
      },
    });
    const anon = await ctx.request({
      method: 'POST',
      url: '/projects',
      token: null,
      payload: { name: `Sneaky ${ctx.tag}` },
    });
    expect(anon.statusCode).toBe(401);
    expect(await redis().exists(keys.project(`sneaky-${ctx.tag}`))).toBe(0);
    expect(await redis().scard(keys.projectsAll())).toBeGreaterThanOrEqual(before);
    expect(await redis().sismember(keys.projectsAll(), `sneaky-${ctx.tag}`)).toBe(0);
  });
});

describe('GET /projects', () => {
  it('lists every project for the admin, only its own for a project key', async () => {
    const a = await ctx.createProject();
    const b = await ctx.createProject();
    const all = await ctx.request({ method: 'GET', url: '/projects' });
    expect(all.statusCode).toBe(200);
    const ids = all.json<{ items: ProjectBody[] }>().items.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['default', a.id, b.id]));
    expect(ids).toEqual([...ids].sort());
    const def = all.json<{ items: ProjectBody[] }>().items.find((x) => x.id === 'default');
    expect(def).toMatchObject({ id: 'default', name: 'Default' });

    const own = await ctx.request({ method: 'GET', url: '/projects', token: a.apiKey });
    expect(own.statusCode).toBe(200);
    expect(own.json<{ items: ProjectBody[] }>().items.map((x) => x.id)).toEqual([a.id]);
    expect(own.json<{ nextCursor?: string }>().nextCursor).toBeUndefined();
  });

  it('answers one project to the admin and to its own key; 404 for an unknown or malformed id', async () => {
    const p = await ctx.createProject();
    for (const token of [undefined, p.apiKey]) {
      const res = await ctx.request({ method: 'GET', url: `/projects/${p.id}`, ...(token ? { token } : {}) });
      expect(res.statusCode).toBe(200);
      expect(res.json<ProjectBody>()).toMatchObject({ id: p.id, secrets: { githubToken: false } });
    }
    for (const id of [`nope-${ctx.tag}`, 'UPPER', '-leading', 'a'.repeat(64)]) {
      const res = await ctx.request({ method: 'GET', url: `/projects/${id}` });
      expect(res.statusCode, id).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
  });
});

describe('API keys', () => {
  it('shows a new key once, lists keys without secrets, and revokes them', async () => {
    const p = await ctx.createProject();
    const created = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/api-keys`,
      payload: { name: '  ci  ' },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json<{ id: string; name: string; apiKey: string; createdAt: string }>();
    expect(Object.keys(key).sort()).toEqual(['apiKey', 'createdAt', 'id', 'name']);
    expect(key).toMatchObject({ name: 'ci', apiKey: expect.stringMatching(/^flk_[A-Za-z0-9_-]{43}$/) });
    expect(key.apiKey).not.toBe(p.apiKey);

    const unnamed = await ctx.request({ method: 'POST', url: `/projects/${p.id}/api-keys` });
    expect(unnamed.statusCode).toBe(201);
    expect(unnamed.json<{ name: string }>().name).toBe('api key');
    const emptyName = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/api-keys`,
      payload: { name: ' ' },
    });
    expect(emptyName.statusCode).toBe(422);

    // The new key works, and its use is recorded.
    const used = await ctx.request({ method: 'GET', url: '/feedback', token: key.apiKey });
    expect(used.statusCode).toBe(200);

    const listed = await ctx.request({ method: 'GET', url: `/projects/${p.id}/api-keys`, token: p.apiKey });
    expect(listed.statusCode).toBe(200);
    const items = listed.json<{ items: Array<Record<string, string>> }>().items;
    expect(items.map((i) => i.name).sort()).toEqual(['api key', 'ci', 'default key']);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(expect.arrayContaining(['createdAt', 'id', 'name', 'prefix']));
      expect(item.apiKey).toBeUndefined();
    }
    expect(items.find((i) => i.id === key.id)?.prefix).toBe(key.apiKey.slice(0, 10));
    for (const secret of [p.apiKey, key.apiKey, unnamed.json<{ apiKey: string }>().apiKey]) {
      expect(listed.body).not.toContain(secret);
    }
    await vi.waitFor(async () => {
      const again = await ctx.request({ method: 'GET', url: `/projects/${p.id}/api-keys` });
      const ci = again
        .json<{ items: Array<{ id: string; lastUsedAt?: string }> }>()
        .items.find((i) => i.id === key.id);
      expect(ci?.lastUsedAt).toEqual(expect.any(String));
    });

    const del = await ctx.request({ method: 'DELETE', url: `/projects/${p.id}/api-keys/${key.id}` });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const revoked = await ctx.request({ method: 'GET', url: '/feedback', token: key.apiKey });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid API key' } });
    expect(await redis().exists(keys.apiKey(sha256(key.apiKey)))).toBe(0);
    expect(await redis().hexists(keys.apiKeys(p.id), key.id)).toBe(0);
    // The other keys still work; deleting again is a 404.
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: p.apiKey })).statusCode).toBe(200);
    const again = await ctx.request({ method: 'DELETE', url: `/projects/${p.id}/api-keys/${key.id}` });
    expect(again.statusCode).toBe(404);
  });

  it('stores keys only as SHA-256 hashes', async () => {
    const p = await ctx.createProject();
    const extra = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/api-keys`,
      payload: { name: 'x' },
    });
    const extraKey = extra.json<{ apiKey: string }>().apiKey;
    // Use both keys so that lastUsedAt writes happen too.
    for (const token of [p.apiKey, extraKey]) {
      expect((await ctx.request({ method: 'GET', url: '/feedback', token })).statusCode).toBe(200);
    }
    const dump = (await dumpRedis(redis(), `project:{${p.id}}*`)) + (await dumpRedis(redis(), 'apikey:*'));
    for (const secret of [p.apiKey, extraKey, ctx.adminToken]) {
      expect(dump).toContain(sha256(secret));
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(4));
      const record = await redis().hgetall(keys.apiKey(sha256(secret)));
      expect(record.projectId).toBe(secret === ctx.adminToken ? 'default' : p.id);
    }
    expect(Object.values(await redis().hgetall(keys.apiKeys(p.id))).sort()).toEqual(
      [sha256(p.apiKey), sha256(extraKey)].sort(),
    );
  });

  it("cannot revoke another project's key", async () => {
    const a = await ctx.createProject();
    const b = await ctx.createProject();
    const bKeys = await ctx.request({ method: 'GET', url: `/projects/${b.id}/api-keys` });
    const bKeyId = bKeys.json<{ items: Array<{ id: string }> }>().items[0]?.id as string;
    const res = await ctx.request({ method: 'DELETE', url: `/projects/${a.id}/api-keys/${bKeyId}` });
    expect(res.statusCode).toBe(404);
    const viaA = await ctx.request({
      method: 'DELETE',
      url: `/projects/${b.id}/api-keys/${bKeyId}`,
      token: a.apiKey,
    });
    expect(viaA.statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/feedback', token: b.apiKey })).statusCode).toBe(200);
  });
});

describe('repository settings', () => {
  it('answers 404 before any PUT, then stores and returns the settings', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/repository`;
    const missing = await ctx.request({ method: 'GET', url, token: p.apiKey });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('not_found');

    const settings = {
      owner: 'acme',
      name: 'web.app',
      defaultBranch: 'release/2.x',
      cloneUrl: 'https://github.com/acme/web.app.git',
    };
    const put = await ctx.request({ method: 'PUT', url, token: p.apiKey, payload: settings });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual(settings);
    const got = await ctx.request({ method: 'GET', url, token: p.apiKey });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(settings);
    const project = await ctx.request({ method: 'GET', url: `/projects/${p.id}` });
    expect(project.json<ProjectBody>().repository).toEqual(settings);
    expect(JSON.parse((await redis().hget(keys.project(p.id), 'repository')) as string)).toEqual(settings);

    // A second PUT replaces the settings; optional fields are dropped when absent.
    const replaced = await ctx.request({ method: 'PUT', url, payload: { owner: 'acme', name: 'api' } });
    expect(replaced.statusCode).toBe(200);
    expect((await ctx.request({ method: 'GET', url })).json()).toEqual({ owner: 'acme', name: 'api' });
  });

  it('rejects bad settings with 422 and keeps the stored ones', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/repository`;
    await ctx.request({ method: 'PUT', url, payload: { owner: 'good', name: 'repo' } });
    const cases: Array<[unknown, string]> = [
      [{ owner: 'bad owner', name: 'repo' }, 'body.owner'],
      [{ owner: 'a/b', name: 'repo' }, 'body.owner'],
      [{ owner: 'ok' }, 'body.name'],
      [{ owner: 'ok', name: 'repo', defaultBranch: 'has space' }, 'body.defaultBranch'],
      [{ owner: 'ok', name: 'repo', cloneUrl: '' }, 'body.cloneUrl'],
    ];
    for (const [payload, path] of cases) {
      const res = await ctx.request({ method: 'PUT', url, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      const issues = res.json<{ error: { details: { issues: Array<{ path: string }> } } }>().error.details
        .issues;
      expect(issues.map((i) => i.path)).toContain(path);
    }
    expect((await ctx.request({ method: 'GET', url })).json()).toEqual({ owner: 'good', name: 'repo' });
  });
});

describe('secrets', () => {
  it('stores secrets encrypted, reports only which exist, and removes one with null', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/secrets`;
    const githubToken = `ghp_plaintext_${ctx.tag}_token_value`;
    const sentrySecret = `sentry-plaintext-${ctx.tag}`;
    const put = await ctx.request({
      method: 'PUT',
      url,
      token: p.apiKey,
      payload: { githubToken, sentryWebhookSecret: sentrySecret },
    });
    expect(put.statusCode).toBe(204);
    expect(put.body).toBe('');

    const dump = await dumpRedis(redis(), `project:{${p.id}}*`);
    expect(dump).toContain(`project:{${p.id}}:secrets`);
    expect(dump).not.toContain(githubToken);
    expect(dump).not.toContain(sentrySecret);
    const sealed = await redis().hgetall(keys.secrets(p.id));
    expect(Object.keys(sealed).sort()).toEqual(['githubToken', 'sentryWebhookSecret']);
    expect(sealed.githubToken).toMatch(/^v1\./);
    // Sealed, not lost: the server can still read them back.
    const deps = ctx.runtime.container.projectDeps;
    expect(await getSecret(deps, p.id, 'githubToken')).toBe(githubToken);
    expect(await getSecret(deps, p.id, 'sentryWebhookSecret')).toBe(sentrySecret);

    const project = await ctx.request({ method: 'GET', url: `/projects/${p.id}` });
    expect(project.json<ProjectBody>().secrets).toEqual({
      githubToken: true,
      sentryWebhookSecret: true,
      githubWebhookSecret: false,
    });
    expect(project.body).not.toContain(githubToken);

    // Absent fields are left alone; null removes.
    expect((await ctx.request({ method: 'PUT', url, payload: { githubToken: null } })).statusCode).toBe(204);
    expect(
      (await ctx.request({ method: 'GET', url: `/projects/${p.id}` })).json<ProjectBody>().secrets,
    ).toEqual({
      githubToken: false,
      sentryWebhookSecret: true,
      githubWebhookSecret: false,
    });
    expect(await getSecret(deps, p.id, 'githubToken')).toBeUndefined();
    expect(await getSecret(deps, p.id, 'sentryWebhookSecret')).toBe(sentrySecret);
    expect((await ctx.request({ method: 'PUT', url, payload: {} })).statusCode).toBe(204);
    expect(Object.keys(await redis().hgetall(keys.secrets(p.id)))).toEqual(['sentryWebhookSecret']);
  });

  it('rejects unknown names and empty values with 422', async () => {
    const p = await ctx.createProject();
    const url = `/projects/${p.id}/secrets`;
    for (const payload of [
      { stripeKey: 'x' },
      { githubToken: '' },
      { githubToken: 5 },
      { githubToken: 'a\u0000b' },
    ]) {
      const res = await ctx.request({ method: 'PUT', url, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
    }
    expect(await redis().exists(keys.secrets(p.id))).toBe(0);
  });
});

describe('tenant isolation', () => {
  let a: Project;
  let b: Project;
  let aItem: string;

  beforeAll(async () => {
    a = await ctx.createProject();
    b = await ctx.createProject();
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: a.apiKey,
      payload: { title: 'A secret report', externalId: 'a-1' },
    });
    expect(res.statusCode).toBe(201);
    aItem = res.json<{ id: string }>().id;
  });

  it("treats another project's feedback id as unknown at the root routes", async () => {
    for (const opts of [
      { method: 'GET', url: `/feedback/${aItem}` },
      { method: 'PUT', url: `/feedback/${aItem}`, payload: { title: 'hijacked' } },
      { method: 'DELETE', url: `/feedback/${aItem}` },
      { method: 'GET', url: `/projects/${b.id}/feedback/${aItem}` },
    ] as InjectOptions[]) {
      const res = await ctx.request({ ...opts, token: b.apiKey });
      expect(res.statusCode, `${opts.method} ${opts.url}`).toBe(404);
    }
    const list = await ctx.request({ method: 'GET', url: '/feedback', token: b.apiKey });
    expect(list.json()).toEqual({ items: [] });
    // The same external id in B is B's own new report.
    const own = await ctx.request({
      method: 'POST',
      url: '/feedback',
      token: b.apiKey,
      payload: { title: 'B report', externalId: 'a-1' },
    });
    expect(own.statusCode).toBe(201);
    expect(own.json<{ id: string; projectId: string }>()).toMatchObject({ projectId: b.id });
    expect(own.json<{ id: string }>().id).not.toBe(aItem);
    expect(await redis().hget(keys.feedback(a.id, aItem), 'title')).toBe('A secret report');
    expect(await redis().zcard(keys.feedbackCreated(a.id))).toBe(1);
  });

  it("refuses every /projects/{A}/… route to B's key with 403 and writes nothing", async () => {
    const routes: InjectOptions[] = [
      { method: 'GET', url: `/projects/${a.id}` },
      { method: 'GET', url: `/projects/${a.id}/repository` },
      { method: 'PUT', url: `/projects/${a.id}/repository`, payload: { owner: 'evil', name: 'repo' } },
      { method: 'PUT', url: `/projects/${a.id}/secrets`, payload: { githubToken: 'evil' } },
      { method: 'GET', url: `/projects/${a.id}/api-keys` },
      { method: 'POST', url: `/projects/${a.id}/api-keys`, payload: { name: 'evil' } },
      { method: 'DELETE', url: `/projects/${a.id}/api-keys/some-id` },
      { method: 'GET', url: `/projects/${a.id}/feedback` },
      { method: 'POST', url: `/projects/${a.id}/feedback`, payload: { title: 'evil' } },
      { method: 'POST', url: `/projects/${a.id}/feedback/import`, payload: [{ title: 'evil' }] },
      { method: 'GET', url: `/projects/${a.id}/feedback/${aItem}` },
      { method: 'PUT', url: `/projects/${a.id}/feedback/${aItem}`, payload: { title: 'evil' } },
      { method: 'DELETE', url: `/projects/${a.id}/feedback/${aItem}` },
      { method: 'GET', url: `/projects/${a.id}/config/reddit/subreddits` },
      { method: 'PUT', url: `/projects/${a.id}/config/reddit/subreddits`, payload: { subreddits: ['evil'] } },
      { method: 'POST', url: `/projects/${a.id}/ingest/reddit/poll` },
    ];
    for (const opts of routes) {
      const res = await ctx.request({ ...opts, token: b.apiKey });
      expect(res.statusCode, `${opts.method} ${opts.url}: ${res.body}`).toBe(403);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden');
    }
    expect(await redis().hget(keys.feedback(a.id, aItem), 'title')).toBe('A secret report');
    expect(await redis().zcard(keys.feedbackCreated(a.id))).toBe(1);
    expect(await redis().exists(keys.secrets(a.id))).toBe(0);
    expect(await redis().hget(keys.project(a.id), 'repository')).toBeNull();
    expect(await redis().hlen(keys.apiKeys(a.id))).toBe(1);
    expect(await redis().exists(keys.redditSubreddits(a.id))).toBe(0);
  });

  it('does not reveal whether a project exists to a key of another project', async () => {
    const res = await ctx.request({
      method: 'GET',
      url: `/projects/nope-${ctx.tag}/feedback`,
      token: b.apiKey,
    });
    expect(res.statusCode).toBe(403);
  });

  it('lets the admin reach any project under /projects/{pid}, and 404s an unknown one', async () => {
    const list = await ctx.request({ method: 'GET', url: `/projects/${a.id}/feedback` });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).toEqual([aItem]);
    const item = await ctx.request({ method: 'GET', url: `/projects/${a.id}/feedback/${aItem}` });
    expect(item.statusCode).toBe(200);
    // …while the admin's root routes act on `default`, where A's item does not exist.
    expect((await ctx.request({ method: 'GET', url: `/feedback/${aItem}` })).statusCode).toBe(404);

    for (const opts of [
      { method: 'GET', url: `/projects/nope-${ctx.tag}/feedback` },
      { method: 'POST', url: `/projects/nope-${ctx.tag}/feedback`, payload: { title: 'x' } },
      { method: 'GET', url: `/projects/nope-${ctx.tag}/repository` },
      { method: 'PUT', url: `/projects/nope-${ctx.tag}/secrets`, payload: { githubToken: 'x' } },
      { method: 'POST', url: `/projects/nope-${ctx.tag}/api-keys` },
      { method: 'GET', url: '/projects/Not_A_Slug/feedback' },
    ] as InjectOptions[]) {
      const res = await ctx.request(opts);
      expect(res.statusCode, `${opts.method} ${opts.url}`).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
    expect(await dumpRedis(redis(), `project:{nope-${ctx.tag}}*`)).toBe('');
  });

  it("acts on the admin's default project at the root", async () => {
    const externalId = `admin-${ctx.tag}`;
    const res = await ctx.request({
      method: 'POST',
      url: '/feedback',
      payload: { title: 'admin', externalId },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string; projectId: string }>().id;
    expect(res.json<{ projectId: string }>().projectId).toBe('default');
    expect(await redis().get(keys.feedbackExternal('default', 'manual', externalId))).toBe(id);
    expect((await ctx.request({ method: 'DELETE', url: `/feedback/${id}` })).statusCode).toBe(204);
  });
});
