import { LoginBody, SessionInfo } from '@fixloop/contracts';
import { DomainError, describePrincipal, endSession, startSession } from '@fixloop/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { errors, NoContent } from '../route-kit.js';
import {
  assertNotCrossSite,
  assertTrustedOrigin,
  clearSessionCookie,
  readSessionCookie,
  setSessionCookie,
} from '../session-cookie.js';

/** Dashboard sign-in: an API key in, an httpOnly session cookie out. Root-only. */
export function authRoutes(c: Container): FastifyPluginAsyncZod {
  const cookieOptions = { ttlS: c.config.sessions.ttlS, secure: c.config.sessions.secureCookie };
  const tags = ['auth'];
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { auth: 'public' },
        schema: {
          tags,
          summary: 'Sign in with an API key: sets the fixloop_session cookie (httpOnly, SameSite=Lax)',
          security: [],
          body: LoginBody,
          response: { 200: SessionInfo, ...errors },
        },
      },
      async (request, reply) => {
        // A page of another site must not sign the browser in (to an account of its choosing).
        assertNotCrossSite(request, c.config.trustedOrigins);
        const { token, info } = await startSession(c.sessionDeps, request.body.apiKey);
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
          await endSession(c.sessionDeps, token);
        }
        clearSessionCookie(reply, cookieOptions);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        schema: {
          tags,
          summary: 'Who the session (or key) is, its default project and every project it reaches',
          response: { 200: SessionInfo, ...errors },
        },
      },
      async (request) => {
        const p = request.principal;
        if (!p || p.kind === 'internal') throw new DomainError('forbidden', 'this credential has no session');
        return describePrincipal(c.projectDeps, p);
      },
    );
  };
}
