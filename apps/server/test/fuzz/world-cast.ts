import type { LightMyRequestResponse } from 'fastify';
import { originOf, type SignedIn, signUp } from '../support/accounts.js';
import type { TestContext } from '../support/context.js';

/** The JSON answer of a fixture request, which must have the given status. */
export async function json<T>(
  res: Promise<LightMyRequestResponse>,
  status: number,
  what: string,
): Promise<T> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`fuzz fixture: ${what} answered ${r.statusCode} ${r.body}`);
  return (r.body === '' ? undefined : r.json()) as T;
}

/** What the world is built from once: its people, its two projects and P's keys. */
export interface Cast {
  owner: SignedIn;
  member: SignedIn;
  pid: string;
  other: { id: string; apiKey: string };
  keys: { admin: string; read: string; ingest: string };
}

/** A new key of project `pid` with these scopes, made with the admin key. */
export function createKey(
  ctx: TestContext,
  pid: string,
  scopes: string[],
): Promise<{ apiKey: string; id: string }> {
  return json(
    ctx.request({
      method: 'POST',
      url: `/projects/${pid}/api-keys`,
      payload: { name: scopes.join('+'), scopes },
    }),
    201,
    'creating a key',
  );
}

/** Signs up the people, makes P (owned by a user, with a member, a repository, fixes allowed), its keys, and Q. */
export async function cast(ctx: TestContext): Promise<Cast> {
  await signUp(ctx, { name: 'Operator' }); // the first account is instance admin; the fuzz's users are not
  const owner = await signUp(ctx, { name: 'Olive Owner' });
  const member = await signUp(ctx, { name: 'Milo Member' });
  const created = await json<{ project: { id: string }; apiKey: string }>(
    ctx.request({
      method: 'POST',
      url: '/projects',
      token: null,
      headers: { cookie: `fixloop_session=${owner.token}`, origin: originOf(ctx) },
      payload: { name: `Fuzz P ${ctx.tag}` },
    }),
    201,
    'creating P',
  );
  const pid = created.project.id;
  const keys = {
    admin: created.apiKey,
    read: (await createKey(ctx, pid, ['read'])).apiKey,
    ingest: (await createKey(ctx, pid, ['ingest'])).apiKey,
  };
  const setups: Array<[string, object, number]> = [
    [`/projects/${pid}/members`, { email: member.email, role: 'member' }, 200],
    // start_fix and retry get as far as admission: a repository (no clone URL: nothing to resolve).
    [`/projects/${pid}/repository`, { owner: 'acme', name: 'shop' }, 200],
    [`/projects/${pid}/automation`, { level: 'draft_pr' }, 200],
  ];
  for (const [url, payload, status] of setups) {
    const method = url.endsWith('/members') ? 'POST' : 'PUT';
    await json(ctx.request({ method, url, payload }), status, url);
  }
  const other = await json<{ project: { id: string }; apiKey: string }>(
    ctx.request({ method: 'POST', url: '/projects', payload: { name: `Fuzz Q ${ctx.tag}` } }),
    201,
    'creating Q',
  );
  return { owner, member, pid, keys, other: { id: other.project.id, apiKey: other.apiKey } };
}
