import { DomainError } from '@fixloop/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's session cookie: an opaque random token; Redis keeps only its SHA-256. */
export const SESSION_COOKIE = 'fixloop_session';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The value of the first cookie called `name` the browser sent, if any. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** The session token the browser sent, if any (the first `fixloop_session` cookie). */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, SESSION_COOKIE);
}

export interface CookieOptions {
  ttlS: number;
  secure: boolean;
}

function cookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** Sets (or renews) the session cookie: httpOnly, SameSite=Lax, for the whole site, as long as the session lives. */
export function setSessionCookie(reply: FastifyReply, token: string, opts: CookieOptions): void {
  reply.header('set-cookie', cookie(token, opts.ttlS, opts.secure));
}

export function clearSessionCookie(reply: FastifyReply, opts: Pick<CookieOptions, 'secure'>): void {
  reply.header('set-cookie', cookie('', 0, opts.secure));
}

/**
 * Binds a GitHub sign-in to the browser that started it: the callback must carry the same `state`
 * in this cookie, so a link made by someone else cannot sign this browser in to their account.
 * Lax, so it comes back on GitHub's top-level redirect; only sent to `/auth/github`.
 */
export const OAUTH_STATE_COOKIE = 'fixloop_oauth_state';

export function setOAuthStateCookie(
  reply: FastifyReply,
  state: string,
  maxAgeS: number,
  secure: boolean,
): void {
  reply.header(
    'set-cookie',
    `${OAUTH_STATE_COOKIE}=${state}; HttpOnly; SameSite=Lax; Path=/auth/github; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`,
  );
}

export function clearOAuthStateCookie(reply: FastifyReply, secure: boolean): void {
  setOAuthStateCookie(reply, '', 0, secure);
}

export function isUnsafeMethod(method: string): boolean {
  return UNSAFE_METHODS.has(method);
}

/** The origin a browser says the request comes from: `Origin`, else the origin of `Referer`. */
function requestOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '')
    return origin === 'null' ? undefined : origin.replace(/\/$/, '');
  const referer = request.headers.referer;
  if (typeof referer !== 'string' || referer === '') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery guard for requests that a cookie authenticates: the page that sent
 * the request must be one of the trusted origins (PUBLIC_URL's, `ALLOWED_ORIGINS`). Browsers send
 * `Origin` on every cross-origin write and cannot be made to forge it; `Referer` stands in when
 * a privacy setting dropped `Origin`. Neither → refused.
 */
export function assertTrustedOrigin(request: FastifyRequest, trusted: readonly string[]): void {
  const origin = requestOrigin(request);
  if (origin === undefined || !trusted.includes(origin)) {
    throw new DomainError('forbidden', 'cross-site request refused', {
      origin: origin ?? null,
      hint: 'send the request from the dashboard (PUBLIC_URL or ALLOWED_ORIGINS), or use Authorization: Bearer <key>',
    });
  }
}

/** For requests that carry no credential yet (sign-in): refuse a browser page of another origin; no Origin (curl) is fine. */
export function assertNotCrossSite(request: FastifyRequest, trusted: readonly string[]): void {
  if (request.headers.origin === undefined && request.headers.referer === undefined) return;
  assertTrustedOrigin(request, trusted);
}
