import { type InternalScope, InternalTokens } from '@fixloop/adapters';
import { ProjectId } from '@fixloop/contracts';
import {
  type ApiKeyRecord,
  DEFAULT_PROJECT_ID,
  DomainError,
  hashApiKey,
  principalOfKey,
  resolveSession,
} from '@fixloop/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../container.js';
import {
  assertTrustedOrigin,
  clearSessionCookie,
  isUnsafeMethod,
  readSessionCookie,
  setSessionCookie,
} from './session-cookie.js';

/** Who is calling. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'key'; projectId: string; keyId: string }
  | { kind: 'internal'; projectId: string; scope: InternalScope; subject?: string };

/**
 * How a route authenticates:
 * - `public`: no credential (health, OpenAPI, sign-in, the dashboard's files);
 * - `project`: an API key — as a Bearer header, or the dashboard's session cookie opened with one —
 *   (or internal credential, when the route allows its scope) of the project;
 * - `admin`: the admin key only;
 * - `webhook`: the project is resolved, the handler checks the signature or a project key.
 */
export type AuthMode = 'public' | 'project' | 'admin' | 'webhook';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** How the principal was proven: a Bearer header, or the session cookie. */
    credential?: 'bearer' | 'session';
    /** The project the request acts on (resolved before the body is read). */
    projectId: string;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
    internalScope?: InternalScope;
  }
}

const TOUCH_EVERY_MS = 60_000;

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Checks credentials and project access in `onRequest`, before any body is read. */
export function registerAuth(app: FastifyInstance, c: Container): void {
  const lastTouch = new Map<string, number>();
  const tokens = new InternalTokens(c.secretsKey);

  async function principalOf(token: string | undefined): Promise<Principal | undefined> {
    if (token === undefined || token.length > 512) return undefined;
    if (InternalTokens.looksInternal(token)) {
      const claims = tokens.verify(token);
      if (!claims) return undefined;
      const principal: Principal = { kind: 'internal', projectId: claims.projectId, scope: claims.scope };
      if (claims.subject !== undefined) principal.subject = claims.subject;
      return principal;
    }
    const hash = hashApiKey(token);
    const record: ApiKeyRecord | null = await c.apiKeys.findByHash(hash);
    return record ? used(hash, record) : undefined;
  }

  /** Records (at most once a minute per key) that a key was used, and answers whom it stands for. */
  function used(hash: string, record: ApiKeyRecord): Principal {
    const now = Date.now();
    if ((lastTouch.get(hash) ?? 0) + TOUCH_EVERY_MS < now) {
      lastTouch.set(hash, now);
      if (lastTouch.size > 10_000) lastTouch.clear();
      c.apiKeys
        .touch(hash, record.projectId, record.id, new Date(now).toISOString())
        .catch((err: unknown) => {
          app.log.warn({ err }, 'could not record key use');
        });
    }
    return principalOfKey(record);
  }

  /** The principal of the key a session was opened with; the cookie is renewed when the session was. */
  async function principalOfSession(token: string, reply: FastifyReply): Promise<Principal | undefined> {
    const session = await resolveSession(c.sessionDeps, token);
    if (!session) return undefined;
    if (session.refreshed) {
      setSessionCookie(reply, token, {
        ttlS: c.config.sessions.ttlS,
        secure: c.config.sessions.secureCookie,
      });
    }
    return used(session.keyHash, session.key);
  }

  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request, reply) => {
    const mode = request.routeOptions.config.auth ?? 'project';
    if (mode === 'public') return;
    const params = request.params as { projectId?: string } | undefined;
    const scoped = params?.projectId;
    if (scoped !== undefined && !ProjectId.safeParse(scoped).success)
      throw new DomainError('not_found', `project ${scoped} not found`);

    // A Bearer header wins; the session cookie counts only without one.
    const token = bearer(request);
    const cookie = token === undefined ? readSessionCookie(request) : undefined;
    const principal =
      cookie === undefined ? await principalOf(token) : await principalOfSession(cookie, reply);
    request.principal = principal;
    if (principal) request.credential = cookie === undefined ? 'bearer' : 'session';
    // A cookie rides along on any request the browser sends, also from another site's page: a
    // write it authenticates must come from the dashboard's own origin.
    if (request.credential === 'session' && isUnsafeMethod(request.method)) {
      assertTrustedOrigin(request, c.config.trustedOrigins);
    }

    if (mode === 'webhook') {
      request.projectId = scoped ?? DEFAULT_PROJECT_ID;
      await requireExisting(c, request.projectId);
      return;
    }
    if (!principal) {
      if (cookie !== undefined) {
        clearSessionCookie(reply, { secure: c.config.sessions.secureCookie });
        throw new DomainError('unauthorized', 'session expired or ended: sign in again');
      }
      throw new DomainError(
        'unauthorized',
        token === undefined ? 'missing API key: send Authorization: Bearer <key>' : 'invalid API key',
      );
    }
    if (mode === 'admin' && principal.kind !== 'admin')
      throw new DomainError('forbidden', 'this action needs the admin key');
    if (principal.kind === 'internal' && request.routeOptions.config.internalScope !== principal.scope) {
      throw new DomainError('forbidden', 'this credential cannot call this route');
    }
    request.projectId = scoped ?? (principal.kind === 'admin' ? DEFAULT_PROJECT_ID : principal.projectId);
    if (principal.kind !== 'admin' && principal.projectId !== request.projectId) {
      throw new DomainError('forbidden', `this key has no access to project ${request.projectId}`);
    }
    if (scoped !== undefined) await requireExisting(c, request.projectId);
  });
}

async function requireExisting(c: Container, projectId: string): Promise<void> {
  if (!(await c.projects.get(projectId)))
    throw new DomainError('not_found', `project ${projectId} not found`);
}

/** Whether the caller proved it belongs to the request's project (a key of it, or the admin key). */
export function hasProjectKey(request: FastifyRequest): boolean {
  const p = request.principal;
  if (!p) return false;
  if (p.kind === 'admin') return true;
  return p.kind === 'key' && p.projectId === request.projectId;
}
