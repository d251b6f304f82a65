import { createHmac } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { Schema } from './json-schema.js';
import { describeValue, percentEncode, preview, type Refs, renderJson, resolve } from './values.js';

/** One operation of `/openapi.json`. */
export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  /** The JSON body schema; undefined when the operation takes no body. */
  body: Schema | undefined;
  bodyRequired: boolean;
  /** `security: []` in the document: no credential needed. */
  public: boolean;
}

export const AUTH_NAMES = [
  'admin',
  'key:admin',
  'key:read',
  'key:ingest',
  'key:other',
  'session',
  'session:cross-site',
  'internal:reddit',
  'internal:job',
  'none',
] as const;
/** Who calls: the admin key, a key of the fixture project by scope, another project's key, the owner's session… */
export type AuthName = (typeof AUTH_NAMES)[number];

/** How the credential is written: the standard way, or oddly. */
export const AUTH_STYLES = [
  'standard',
  'scheme-case',
  'padded',
  'tab',
  'twice',
  'bearer-and-cookie',
  'quoted-cookie',
  'duplicate-cookie',
  'internal-shaped',
  'overlong',
] as const;
export type AuthStyle = (typeof AUTH_STYLES)[number];

/** Damage done to a JSON body's text after it is written. */
export type Damage =
  | { kind: 'insert-bytes'; at: number; bytes: number[]; inString: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'wrap'; before: string; after: string }
  | { kind: 'single-quotes' };

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | null; damage?: Damage }
  | { kind: 'text'; text: string; contentType: string | null };

/** A generated request, before its fixtures are resolved. */
export interface RequestCase {
  operation: Operation;
  kind: 'valid' | 'almost' | 'hostile';
  /** What was done to it (the mutation or the hostile trick). */
  note: string;
  method: string;
  params: Record<string, unknown>;
  /** Path parameters written as they are (already percent-encoded, or deliberately not). */
  rawParams: Record<string, string>;
  query: Record<string, unknown>;
  /** Written after `?` instead of `query`. */
  rawQuery?: string;
  body: Body;
  auth: AuthName;
  authStyle: AuthStyle;
  /** Extra headers; a header set here wins over the credential's. */
  headers: Record<string, string>;
  remoteAddress: string;
  /** Webhooks: sign the body as it is sent (after any damage) with the fixture's secret. */
  sign: boolean;
}

/** The webhook signing secrets of the fixture project (GitHub, Sentry) and of the server (Stripe). */
export interface WebhookSecrets {
  github: string;
  sentry: string;
  stripe: string;
}

/** What a case needs from the world to be sent. */
export interface Credentials {
  refs: Refs;
  /** The Bearer token of an auth name (undefined for cookie-only and no credential). */
  token(auth: AuthName): string | undefined;
  sessionToken: string;
  trustedOrigin: string;
  webhookSecrets: WebhookSecrets;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return renderJson(v);
  return String(v);
}

function renderPath(c: RequestCase, refs: Refs): string {
  return c.operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const raw = c.rawParams[name];
    if (raw !== undefined) return raw;
    return percentEncode(scalar(resolve(c.params[name], refs)));
  });
}

function renderQuery(c: RequestCase, refs: Refs): string {
  if (c.rawQuery !== undefined) return c.rawQuery;
  const parts: string[] = [];
  for (const [name, value] of Object.entries(c.query)) {
    const v = resolve(value, refs);
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) parts.push(`${percentEncode(name)}=${percentEncode(scalar(one))}`);
  }
  return parts.join('&');
}

function damaged(text: string, damage: Damage | undefined): string | Buffer {
  if (!damage) return text;
  switch (damage.kind) {
    case 'truncate':
      return text.slice(0, Math.floor(text.length * damage.at));
    case 'wrap':
      return `${damage.before}${text}${damage.after}`;
    case 'single-quotes':
      return text.replaceAll('"', "'");
    case 'insert-bytes': {
      const bytes = Buffer.from(text, 'utf8');
      let at = Math.floor(bytes.length * damage.at);
      if (damage.inString) {
        const quote = bytes.indexOf(0x22, at);
        at = quote === -1 ? at : quote + 1;
      }
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(damage.bytes), bytes.subarray(at)]);
    }
  }
}

/** The signature header a webhook route checks, over exactly the bytes sent. */
function signatureHeaders(
  path: string,
  payload: string | Buffer,
  secrets: WebhookSecrets,
): Record<string, string> {
  const raw = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const hmac = (secret: string, data: Buffer | string) =>
    createHmac('sha256', secret).update(data).digest('hex');
  if (path.endsWith('/ingest/github/webhook'))
    return { 'x-hub-signature-256': `sha256=${hmac(secrets.github, raw)}` };
  if (path.endsWith('/ingest/sentry')) return { 'sentry-hook-signature': hmac(secrets.sentry, raw) };
  if (path.endsWith('/billing/stripe/webhook')) {
    const t = Math.floor(Date.now() / 1000);
    const signed = Buffer.concat([Buffer.from(`${t}.`), raw]);
    return { 'stripe-signature': `t=${t},v1=${hmac(secrets.stripe, signed)}` };
  }
  return {};
}

function authHeaders(c: RequestCase, creds: Credentials): Record<string, string> {
  const h: Record<string, string> = {};
  const token = creds.token(c.auth);
  const session = c.auth === 'session' || c.auth === 'session:cross-site';
  if (token !== undefined) {
    const t = c.authStyle === 'overlong' ? token.repeat(40) : token;
    const byStyle: Partial<Record<AuthStyle, string>> = {
      'scheme-case': `bEaReR ${t}`,
      padded: `Bearer    ${t}   `,
      tab: `Bearer\t${t}`,
      twice: `Bearer ${t}, Bearer ${t}`,
      'internal-shaped': `Bearer fli_${Buffer.from(t).toString('base64url')}.c2ln`,
    };
    h.authorization = byStyle[c.authStyle] ?? `Bearer ${t}`;
  }
  if (session || c.authStyle === 'bearer-and-cookie') {
    const s = creds.sessionToken;
    const cookie =
      c.authStyle === 'quoted-cookie'
        ? `fixloop_session="${s}"`
        : c.authStyle === 'duplicate-cookie'
          ? `fixloop_session=forged; fixloop_session=${s}`
          : `theme=dark; fixloop_session=${s}`;
    h.cookie = cookie;
    h.origin = c.auth === 'session:cross-site' ? 'https://evil.example' : creds.trustedOrigin;
  }
  return h;
}

/** The request as `app.inject` takes it, with fixtures resolved and credentials filled in. */
export function render(c: RequestCase, creds: Credentials): InjectOptions {
  const query = renderQuery(c, creds.refs);
  const url = `${renderPath(c, creds.refs)}${query === '' ? '' : `?${query}`}`;
  const headers: Record<string, string> = { ...authHeaders(c, creds) };
  let payload: string | Buffer | undefined;
  const body = c.body;
  if (body.kind === 'json') {
    payload = damaged(renderJson(resolve(body.value, creds.refs)), body.damage);
    if (body.contentType !== null) headers['content-type'] = body.contentType;
  } else if (body.kind === 'text') {
    payload = body.text;
    if (body.contentType !== null) headers['content-type'] = body.contentType;
  }
  if (c.sign && payload !== undefined)
    Object.assign(headers, signatureHeaders(c.operation.path, payload, creds.webhookSecrets));
  Object.assign(headers, c.headers);
  return {
    method: c.method as InjectOptions['method'],
    url,
    headers,
    remoteAddress: c.remoteAddress,
    ...(payload === undefined ? {} : { payload }),
  };
}

/** A few lines that say what was sent, short enough for a failure report. */
export function describeCase(c: RequestCase, sent?: InjectOptions): string {
  const body =
    c.body.kind === 'none'
      ? 'no body'
      : c.body.kind === 'text'
        ? `${c.body.contentType ?? '(no content-type)'} ${preview(JSON.stringify(c.body.text), 200)}`
        : `${c.body.contentType ?? '(no content-type)'} ${describeValue(c.body.value)}${c.body.damage ? ` damaged ${JSON.stringify(c.body.damage)}` : ''}`;
  const url = sent ? preview(String(sent.url), 300) : c.operation.path;
  const headers =
    Object.keys(c.headers).length > 0 ? ` headers ${preview(JSON.stringify(c.headers), 200)}` : '';
  const signed = c.sign ? ' signed' : '';
  return `${c.kind}: ${c.note} | ${c.method} ${url} as ${c.auth} (${c.authStyle}) from ${c.remoteAddress}${signed}${headers} | ${body}`;
}
