import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { DomainError } from '@fixloop/domain';
import { keys } from '@fixloop/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { Container } from '../container.js';

/** What a request is counted against: the credential it presents, or the address it comes from. */
export type RateBucket =
  | { kind: 'credential'; token: string }
  | { kind: 'ip' }
  /** Webhooks carry no credential of ours (a signature instead) and arrive from the sender's few addresses. */
  | { kind: 'webhook-ip' };

export interface RateLimiter {
  /** Counts the request against its bucket; a 429 (with `Retry-After`) once the bucket is spent. */
  check(request: FastifyRequest, reply: FastifyReply, bucket: RateBucket): Promise<void>;
}

const WINDOW_MS = 60_000;

/**
 * The HTTP edge: security headers, CORS (closed unless `CORS_ORIGINS` names origins) and the
 * Redis-backed request limits, shared by every API process on the same Redis. Registered before
 * any route; the auth hook calls the limiter, since which bucket a request spends depends on its
 * credential.
 */
export async function registerEdges(app: FastifyInstance, c: Container): Promise<RateLimiter> {
  const https = c.config.publicUrl.startsWith('https:');
  // helmet's middleware, built once: its Fastify wrapper rebuilds it (and re-parses the policy) on
  // every request, a few percent of the CPU of a single-report POST.
  const securityHeaders = helmet({
    // The dashboard's scripts, styles, images and API calls come from this origin only; it is
    // never framed. Over plain http (a local install) upgrading requests would break every asset.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    // HSTS only means something on https; on a local http install it would pin the wrong scheme.
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });

  if (c.config.edges.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: c.config.edges.corsOrigins,
      // Cross-origin callers authenticate with an API key; the session cookie stays same-site.
      credentials: false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining'],
      maxAge: 600,
    });
  }

  await app.register(rateLimit, {
    global: false,
    redis: c.redis,
    nameSpace: keys.requestRatePrefix(),
    timeWindow: WINDOW_MS,
  });

  const { rateLimitPerMin, rateLimitIpPerMin } = c.config.edges;
  const byCredential = app.createRateLimit({
    max: rateLimitPerMin,
    keyGenerator: (request) => `key:${credentialOf(request)}`,
  });
  const byIp = app.createRateLimit({ max: rateLimitIpPerMin, keyGenerator: (request) => `ip:${request.ip}` });
  const byWebhookIp = app.createRateLimit({
    max: rateLimitPerMin,
    keyGenerator: (request) => `hook:${request.ip}`,
  });

  return {
    async check(request, reply, bucket) {
      const max = bucket.kind === 'ip' ? rateLimitIpPerMin : rateLimitPerMin;
      if (max === 0) return;
      if (bucket.kind === 'credential') presented.set(request, bucket.token);
      const limiter = bucket.kind === 'credential' ? byCredential : bucket.kind === 'ip' ? byIp : byWebhookIp;
      const result = await limiter(request);
      if (result.isAllowed) return;
      reply.header('x-ratelimit-limit', result.max);
      reply.header('x-ratelimit-remaining', result.remaining);
      if (!result.isExceeded) return;
      reply.header('retry-after', result.ttlInSeconds);
      throw new DomainError(
        'rate_limited',
        `too many requests: at most ${result.max} a minute ${bucket.kind === 'credential' ? 'per API key or session' : 'from one address'}; retry in ${result.ttlInSeconds} s`,
        { limit: result.max, retryAfterS: result.ttlInSeconds },
      );
    },
  };
}

/** The credential a request presented, by request (the limiter's key generator reads it back). */
const presented = new WeakMap<FastifyRequest, string>();

/** A bucket name for a credential: a hash, so no key or session token is ever written to Redis. */
function credentialOf(request: FastifyRequest): string {
  const token = presented.get(request) ?? '';
  return createHash('sha256').update(token).digest('base64url').slice(0, 32);
}
