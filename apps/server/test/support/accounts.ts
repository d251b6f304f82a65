import { randomBytes } from 'node:crypto';
import type { SessionInfo } from '@fixloop/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestContext } from './context.js';

/** A person signed in through the API: their session token (the cookie's value) and who they are. */
export interface SignedIn {
  token: string;
  userId: string;
  email: string;
  password: string;
  info: SessionInfo;
}

export const PASSWORD = 'correct horse battery staple';

/** The `fixloop_session` value a response set, or '' when it set none. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const h = res.headers['set-cookie'];
  const all = Array.isArray(h) ? h : h === undefined ? [] : [String(h)];
  for (const c of all) {
    const m = /^fixloop_session=([^;]*);/.exec(c);
    if (m) return m[1] ?? '';
  }
  return '';
}

/** The dashboard's own origin, which cookie-authenticated writes must come from. */
export function originOf(ctx: TestContext): string {
  return new URL(ctx.config.publicUrl).origin;
}

/** A request authenticated by a session cookie only, sent from the dashboard's origin. */
export function asSession(
  ctx: TestContext,
  token: string,
  opts: InjectOptions,
): Promise<LightMyRequestResponse> {
  return ctx.request({
    ...opts,
    token: null,
    headers: { cookie: `fixloop_session=${token}`, origin: originOf(ctx), ...opts.headers },
  });
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

/** Signs up through the API; throws unless the server answered 201. */
export async function signUp(
  ctx: TestContext,
  opts: { email?: string; name?: string; password?: string } = {},
): Promise<SignedIn> {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? PASSWORD;
  const res = await ctx.request({
    method: 'POST',
    url: '/auth/signup',
    token: null,
    payload: { email, password, name: opts.name ?? email.split('@')[0] },
  });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const info = res.json<SessionInfo>();
  return { token: sessionCookieOf(res), userId: info.principal.user?.id ?? '', email, password, info };
}

/** `POST /auth/login` with an email and password, from `remoteAddress` (default 127.0.0.1). */
export function logIn(
  ctx: TestContext,
  email: string,
  password: string,
  remoteAddress = '127.0.0.1',
): Promise<LightMyRequestResponse> {
  return ctx.request({
    method: 'POST',
    url: '/auth/login',
    token: null,
    payload: { email, password },
    remoteAddress,
  });
}
