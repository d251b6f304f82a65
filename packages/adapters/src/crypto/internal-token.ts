import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './secret-box.js';

const PREFIX = 'fli_';

export const INTERNAL_SCOPES = ['ingest:reddit', 'agent-job'] as const;
export type InternalScope = (typeof INTERNAL_SCOPES)[number];

export interface InternalClaims {
  projectId: string;
  /** What the credential may do; the server checks it against the route. */
  scope: InternalScope;
  /** The one resource it is for, when the scope names one (the agent job's id). */
  subject?: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * Short-lived credentials that the server's own producers (the Reddit poller) present instead of an
 * API key: an HMAC over the claims with a key derived from `SECRETS_KEY`. Nothing to store or leak
 * in job payloads; they expire on their own.
 */
export class InternalTokens {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = deriveKey(secretsKey, 'internal-credentials');
  }

  issue(
    projectId: string,
    scope: InternalScope,
    ttlSeconds: number,
    now = Date.now(),
    subject?: string,
  ): string {
    const claims: InternalClaims = { projectId, scope, exp: Math.floor(now / 1000) + ttlSeconds };
    if (subject !== undefined) claims.subject = subject;
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${PREFIX}${body}.${this.sign(body)}`;
  }

  /** The claims of a valid, unexpired token; null otherwise. */
  verify(token: string, now = Date.now()): InternalClaims | null {
    if (!token.startsWith(PREFIX)) return null;
    const [body, sig] = token.slice(PREFIX.length).split('.');
    if (body === undefined || sig === undefined) return null;
    const expected = Buffer.from(this.sign(body), 'utf8');
    const given = Buffer.from(sig, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as InternalClaims;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) return null;
      if (typeof claims.projectId !== 'string' || !INTERNAL_SCOPES.includes(claims.scope)) return null;
      if (claims.subject !== undefined && typeof claims.subject !== 'string') return null;
      return claims;
    } catch {
      return null;
    }
  }

  static looksInternal(token: string): boolean {
    return token.startsWith(PREFIX);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
