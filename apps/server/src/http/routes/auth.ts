import { AuthOptions, LoginBody, SessionInfo, SignupBody } from '@fixloop/contracts';
import {
  abandonGithubSignIn,
  authOptions,
  beginGithubSignIn,
  completeGithubSignIn,
  DomainError,
  describePrincipal,
  endSession,
  logInWithPassword,
  OAUTH_STATE_TTL_MS,
  signUp,
  startSession,
  startUserSession,
} from '@fixloop/domain';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errors, NoContent } from '../route-kit.js';
import {
  assertNotCrossSite,
  assertTrustedOrigin,
  clearOAuthStateCookie,
  clearSessionCookie,
  OAUTH_STATE_COOKIE,
  readCookie,
  readSessionCookie,
  setOAuthStateCookie,
  setSessionCookie,
} from '../session-cookie.js';

const GithubCallbackQuery = z.object({
  code: z.string().max(512).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
});

/** Why a GitHub sign-in came back to the sign-in page: a fixed code the dashboard words itself. */
type GithubFailure =
  | 'expired'
  | 'denied'
  | 'refused'
  | 'signup_closed'
  | 'no_verified_email'
  | 'linked_elsewhere'
  | 'failed';

function githubFailure(err: unknown): GithubFailure {
  const reason =
    err instanceof DomainError ? (err.details as { reason?: unknown } | undefined)?.reason : undefined;
  switch (reason) {
    case 'expired':
    case 'refused':
    case 'signup_closed':
    case 'no_verified_email':
    case 'linked_elsewhere':
      return reason;
    default:
      return 'failed';
  }
}

/** Sign-in and accounts: API key, email and password, GitHub; the httpOnly session cookie. Root-only. */
export function authRoutes(c: Container): FastifyPluginAsyncZod {
  const cookieOptions = { ttlS: c.config.sessions.ttlS, secure: c.config.sessions.secureCookie };
  const deps = c.accountDeps;
  const redirectUri = `${c.config.publicUrl}/auth/github/callback`;
  const tags = ['auth'];
  return async (app) => {
    app.get(
      '/auth/options',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary: 'Which sign-in methods the dashboard offers: sign-up (open now?) and GitHub (configured?)',
          security: [],
          response: { 200: AuthOptions, ...errors },
        },
      },
      async () => authOptions(deps),
    );

    app.post(
      '/auth/signup',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary:
            'Make an account and sign in (the first account becomes instance admin; others while ALLOW_SIGNUP is on)',
          security: [],
          body: SignupBody,
          response: { 201: SessionInfo, 409: errors[400], ...errors },
        },
      },
      async (request, reply) => {
        assertNotCrossSite(request, c.config.trustedOrigins);
        const user = await signUp(deps, request.body);
        const { token, info } = await startUserSession(deps, user);
        setSessionCookie(reply, token, cookieOptions);
        return reply.status(201).send(info);
      },
    );

    app.post(
      '/auth/login',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary:
            'Sign in with an API key, or an email and password: sets the fixloop_session cookie (httpOnly, SameSite=Lax)',
          description:
            'Password sign-ins are limited per email and per client address (429 with Retry-After once exceeded).',
          security: [],
          body: LoginBody,
          response: { 200: SessionInfo, ...errors },
        },
      },
      async (request, reply) => {
        // A page of another site must not sign the browser in (to an account of its choosing).
        assertNotCrossSite(request, c.config.trustedOrigins);
        const body = request.body;
        if ('apiKey' in body) {
          const { token, info } = await startSession(deps, body.apiKey);
          setSessionCookie(reply, token, cookieOptions);
          return info;
        }
        const user = await logInWithPassword(deps, body, request.ip).catch((err: unknown) => {
          const wait =
            err instanceof DomainError ? (err.details as { retryAfterS?: number })?.retryAfterS : undefined;
          if (wait !== undefined) reply.header('retry-after', String(wait));
          throw err;
        });
        const { token, info } = await startUserSession(deps, user);
        setSessionCookie(reply, token, cookieOptions);
        return info;
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary: 'End the session and clear its cookie (204 also without a session)',
          security: [],
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const token = readSessionCookie(request);
        if (token !== undefined) {
          assertTrustedOrigin(request, c.config.trustedOrigins);
          await endSession(deps, token);
        }
        clearSessionCookie(reply, cookieOptions);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        config: { auth: 'signed-in' },
        schema: {
          tags,
          summary: 'Who the session (or key) is, its default project and every project it reaches',
          response: { 200: SessionInfo, ...errors },
        },
      },
      async (request) => {
        const p = request.principal;
        if (!p || p.kind === 'internal') throw new DomainError('forbidden', 'this credential has no session');
        return describePrincipal(deps, p);
      },
    );

    app.get(
      '/auth/github',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary:
            "Start sign-in with GitHub: redirects to GitHub's authorization page (404 when not configured)",
          security: [],
          response: { 302: NoContent, ...errors },
        },
      },
      async (_request, reply) => {
        const { state, url } = await beginGithubSignIn(deps, redirectUri);
        setOAuthStateCookie(reply, state, Math.floor(OAUTH_STATE_TTL_MS / 1000), cookieOptions.secure);
        return reply.redirect(url, 302);
      },
    );

    app.get(
      '/auth/github/callback',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary:
            'Where GitHub sends the browser back: opens a session and redirects to /app/, or to /app/login?error=<reason>',
          security: [],
          querystring: GithubCallbackQuery,
          response: { 302: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const fail = (why: GithubFailure): FastifyReply =>
          reply.redirect(`/app/login?error=github_${why}`, 302);
        const { code, state, error } = request.query;
        const bound = readCookie(request, OAUTH_STATE_COOKIE);
        clearOAuthStateCookie(reply, cookieOptions.secure);
        // The state must be the one this browser was given: the server's copy is checked next, once.
        if (state === undefined || bound === undefined || bound !== state) return fail('expired');
        if (error !== undefined || code === undefined) {
          await abandonGithubSignIn(deps, state);
          return fail(error === 'access_denied' ? 'denied' : 'refused');
        }
        try {
          const user = await completeGithubSignIn(deps, { code, state, redirectUri });
          const { token } = await startUserSession(deps, user);
          setSessionCookie(reply, token, cookieOptions);
          return reply.redirect('/app/', 302);
        } catch (err) {
          const why = githubFailure(err);
          if (why === 'failed') request.log.warn({ err }, 'sign-in with GitHub failed');
          return fail(why);
        }
      },
    );
  };
}
