import { type InternalScope, InternalTokens } from '@fixloop/adapters';
import { ProjectId } from '@fixloop/contracts';
import {
  type Access,
  type AccessPrincipal,
  type ApiKeyRecord,
  authorize,
  DEFAULT_PROJECT_ID,
  DomainError,
  hashApiKey,
  homeProjectOf,
  mayAccess,
  principalOfKey,
  principalOfUser,
  resolveSession,
} from '@fixloop/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Container } from '../container.js';
import type { RateLimiter } from './edges.js';
import {
  assertTrustedOrigin,
  clearSessionCookie,
  isUnsafeMethod,
  readSessionCookie,
  setSessionCookie,
} from './session-cookie.js';

/** Who is calling: the admin key, a project key, a signed-in user, or an internal credential. */
export type Principal =
  | AccessPrincipal
  | { kind: 'internal'; projectId: string; scope: InternalScope; subject?: string };

/**
 * How a route authenticates:
 * - `public`: no credential (health, OpenAPI, sign-in, the dashboard's files);
 * - `project`: a credential with the route's `access` to the project (below);
 * - `signed-in`: any key, or a signed-in user; the route acts on no project (`GET /projects`, `/auth/me`);
 * - `account`: the admin key or a signed-in user: those who can own projects (`POST /projects`);
 * - `admin`: the admin key only;
 * - `webhook`: the project is resolved, the handler checks the signature or a credential that may ingest.
 */
export type AuthMode = 'public' | 'project' | 'signed-in' | 'account' | 'admin' | 'webhook';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** How the principal was proven: a Bearer header, or the session cookie. */
    credential?: 'bearer' | 'session';
    /** The project the request acts on (resolved before the body is read). */
    projectId: string;
    /** Webhook routes: whether the caller's credential may add reports to the project. */
    mayIngest?: boolean;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
    /**
     * What a `project` route does to its project; the principal must be allowed it. Default: `read`
     * for GET; for the data routes (see `markDataRoutes`) `ingest` for the POSTs that add reports
     * and `write` for other writes; `manage` for every other write (project settings).
     */
    access?: Access;
    internalScope?: InternalScope;
    /** Not counted by the request limits: the dashboard's static files and the health probes. */
    unmetered?: boolean;
  }
}

const TOUCH_EVERY_MS = 60_000;

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/** The access of a data route (feedback, ingest, config, clusters, plans, jobs) by its method and path. */
export function dataAccess(method: string, url: string): Access {
  if (isRead(method)) return 'read';
  const path = url.replace(/^\/projects\/:projectId(?=\/)/, '');
  const addsReports = path === '/feedback' || path === '/feedback/import' || path.startsWith('/ingest/');
  return method === 'POST' && addsReports ? 'ingest' : 'write';
}

/** Declares the data routes registered in `app` (and its children): their access follows `dataAccess` unless set. */
export function markDataRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.access !== undefined) return;
    const method = Array.isArray(route.method) ? route.method[0] : route.method;
    route.config = { ...route.config, access: dataAccess(String(method), route.url) };
  });
}

/** The access a route needs: declared, else `read` for reads and `manage` for writes. */
function accessOf(request: FastifyRequest): Access {
  return request.routeOptions.config.access ?? (isRead(request.method) ? 'read' : 'manage');
}

/**
 * Checks credentials and project access in `onRequest`, before any body is read, and counts the
 * request against its limit: the credential it presents (looked up at the same time), else its
 * address — so a caller trying keys from one address is held back by the address's limit.
 */
export function registerAuth(app: FastifyInstance, c: Container, limiter: RateLimiter): void {
  const lastTouch = new Map<string, number>();
  const tokens = new InternalTokens(c.secretsKey);
  const accounts = c.accountDeps;

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

  /** Whom a session stands for (its key, or its user); the cookie is renewed when the session was. */
  async function principalOfSession(token: string, reply: FastifyReply): Promise<Principal | undefined> {
    const session = await resolveSession(c.sessionDeps, token);
    if (!session) return undefined;
    if (session.refreshed) {
      setSessionCookie(reply, token, {
        ttlS: c.config.sessions.ttlS,
        secure: c.config.sessions.secureCookie,
      });
    }
    return session.kind === 'user' ? principalOfUser(session.user) : used(session.keyHash, session.key);
  }

  /** The project root routes act on for this caller. */
  async function defaultProject(principal: Principal): Promise<string | null> {
    if (principal.kind === 'admin') return DEFAULT_PROJECT_ID;
    if (principal.kind === 'user') return homeProjectOf(accounts, principal);
    return principal.projectId;
  }

  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request, reply) => {
    const mode = request.routeOptions.config.auth ?? 'project';
    if (mode === 'public') {
      if (request.routeOptions.config.unmetered !== true) await limiter.check(request, reply, { kind: 'ip' });
      return;
    }
    // A Bearer header wins; the session cookie counts only without one.
    const token = bearer(request);
    const cookie = token === undefined ? readSessionCookie(request) : undefined;
    const presented = token ?? cookie;
    if (presented === undefined) {
      await limiter.check(request, reply, { kind: mode === 'webhook' ? 'webhook-ip' : 'ip' });
    }
    const params = request.params as { projectId?: string } | undefined;
    const scoped = params?.projectId;
    if (scoped !== undefined && !ProjectId.safeParse(scoped).success)
      throw new DomainError('not_found', `project ${scoped} not found`);

    const [principal] = await Promise.all([
      cookie === undefined ? principalOf(token) : principalOfSession(cookie, reply),
      presented === undefined
        ? undefined
        : limiter.check(request, reply, { kind: 'credential', token: presented }),
    ]);
    // A credential that proves nothing is counted against the address too.
    if (presented !== undefined && principal === undefined && mode !== 'webhook') {
      await limiter.check(request, reply, { kind: 'ip' });
    }
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
      request.mayIngest =
        principal !== undefined &&
        (principal.kind === 'internal'
          ? false
          : await mayAccess(accounts, principal, request.projectId, 'ingest'));
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
    if (principal.kind === 'internal' && request.routeOptions.config.internalScope !== principal.scope) {
      throw new DomainError('forbidden', 'this credential cannot call this route');
    }
    if (mode === 'admin' && principal.kind !== 'admin')
      throw new DomainError('forbidden', 'this action needs the admin key');
    if (mode === 'account' && principal.kind !== 'admin' && principal.kind !== 'user') {
      throw new DomainError(
        'forbidden',
        'only a signed-in user or the admin key can do this, not a project key',
      );
    }
    if (mode === 'signed-in' || mode === 'account') {
      request.projectId = (await defaultProject(principal)) ?? '';
      return;
    }

    const projectId = scoped ?? (await defaultProject(principal));
    if (projectId === null) {
      throw new DomainError('forbidden', 'you belong to no project yet: create one with POST /projects');
    }
    request.projectId = projectId;
    if (principal.kind === 'internal') {
      if (principal.projectId !== projectId)
        throw new DomainError('forbidden', `this credential has no access to project ${projectId}`);
    } else {
      await authorize(accounts, principal, projectId, accessOf(request));
    }
    if (scoped !== undefined) await requireExisting(c, projectId);
  });
}

async function requireExisting(c: Container, projectId: string): Promise<void> {
  if (!(await c.projects.get(projectId)))
    throw new DomainError('not_found', `project ${projectId} not found`);
}

/** Webhook routes: whether the caller proved it may add reports to the request's project (a key, a member, the admin). */
export function hasProjectKey(request: FastifyRequest): boolean {
  return request.mayIngest === true;
}
