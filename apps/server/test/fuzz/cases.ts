import fc from 'fast-check';
import { hostileOf } from './hostile.js';
import { type Schema, type SchemaContext, text, valuesOf } from './json-schema.js';
import { mutationOf } from './mutations.js';
import { openBodies } from './open-bodies.js';
import {
  AUTH_NAMES,
  AUTH_STYLES,
  type AuthName,
  type AuthStyle,
  type Body,
  type Operation,
  type RequestCase,
} from './request-case.js';
import { Ref, type RefName } from './values.js';

interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}
interface OpenApiOperation {
  parameters?: Operation['parameters'];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

/** Every operation of the served document. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
      bodyRequired: op.requestBody?.required === true,
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
  );
}

const ref = (...names: RefName[]) => fc.constantFrom(...names.map((n) => new Ref(n)));

/** Real ids and values for properties the schema only knows as strings (or string arrays). */
function hint(property: string, schema: Schema): fc.Arbitrary<unknown> | undefined {
  if (schema.type === 'array') {
    if (property === 'clusterIds')
      return fc.array(ref('cluster2', 'cluster'), { minLength: 1, maxLength: 2 });
    if (property === 'feedbackIds') return fc.array(ref('report', 'report2'), { minLength: 1, maxLength: 2 });
    return undefined;
  }
  if (schema.type !== 'string') return undefined;
  switch (property) {
    case 'clusterId':
      return ref('cluster', 'cluster2');
    case 'email':
      return fc.oneof(ref('ownerEmail', 'memberEmail'), fc.stringMatching(/^[a-z0-9]{1,12}@example\.com$/));
    case 'password':
      return ref('password');
    case 'confirm':
      return ref('spareProjectName');
    case 'owner':
      return fc.constant('acme');
    case 'name':
      return fc.constant('shop');
    case 'token':
      return fc.constant('ghp_fuzz');
    case 'url':
    case 'prUrl':
    case 'html_url':
    case 'permalink':
      return fc.webUrl();
    case 'cloneUrl':
      // Private addresses only: a plan or a start reads the clone URL, and the fuzz must not reach
      // the network (they are refused, or fail to connect, on this machine).
      return fc.constantFrom(
        'https://127.0.0.1:9/acme/shop.git',
        'git@127.0.0.1:acme/shop.git',
        '/nonexistent/shop.git',
      );
    case 'cursor':
      // Real cursors come from earlier pages; a made-up one is only ever a 422.
      return fc.constant(undefined);
    default:
      return undefined;
  }
}

export interface CaseContext {
  schemas: SchemaContext;
  /** Bodies of the routes whose document schema is open, by path without the project prefix. */
  open: Record<string, Schema>;
  bodyLimit(op: Operation): number;
}

export function caseContext(doc: OpenApiDoc, limits: { body: number; import: number }): CaseContext {
  const components = doc.components?.schemas ?? {};
  const feedback = doc.paths['/feedback']?.post?.requestBody?.content?.['application/json']?.schema;
  return {
    schemas: { components, hint },
    open: openBodies(feedback),
    bodyLimit: (op) => (op.path.endsWith('/feedback/import') ? limits.import : limits.body),
  };
}

const local = (op: Operation) => op.path.replace(/^\/projects\/\{projectId\}(?=\/)/, '');

function paramArb(
  op: Operation,
  name: string,
  schema: Schema | undefined,
  ctx: CaseContext,
): fc.Arbitrary<unknown> {
  const own = schema ? valuesOf(schema, ctx.schemas) : text(1, 20);
  const mix = (real: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: real, weight: 6 }, { arbitrary: own, weight: 1 });
  const path = local(op);
  switch (name) {
    case 'projectId':
      // Deleting P would end the fuzz: the spare project is the one to delete.
      if (op.method === 'DELETE' && op.path === '/projects/{projectId}')
        return fc.oneof(
          { arbitrary: ref('spareProject'), weight: 6 },
          { arbitrary: ref('project', 'otherProject'), weight: 2 },
          own,
        );
      return fc.oneof(
        { arbitrary: ref('project'), weight: 8 },
        { arbitrary: ref('otherProject', 'spareProject'), weight: 2 },
        { arbitrary: fc.constant('default'), weight: 1 },
        { arbitrary: own, weight: 1 },
      );
    case 'keyId':
      return mix(ref('spareKeyId'));
    case 'userId':
      return mix(ref('memberUserId', 'ownerUserId'));
    case 'owner':
      return mix(fc.constant('acme'));
    case 'repo':
      return mix(fc.constant('shop'));
    case 'id':
      if (path.startsWith('/feedback/')) return mix(ref('report', 'report2'));
      if (path.startsWith('/clusters/')) return mix(ref('cluster', 'cluster2'));
      if (path.startsWith('/cluster-jobs/')) return mix(ref('clusterJob'));
      if (path.startsWith('/jobs/'))
        return mix(path.endsWith('/retry') ? ref('endedJob', 'job') : ref('job', 'endedJob'));
      return own;
    default:
      return own;
  }
}

function objectSchema(params: Operation['parameters']): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? { type: 'string' }])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function bodySchemaOf(op: Operation, ctx: CaseContext): Schema | undefined {
  const open = ctx.open[local(op)];
  if (open) return open;
  if (!op.body || Object.keys(op.body).every((k) => k === 'description')) return undefined;
  return op.body;
}

function bodyArb(op: Operation, ctx: CaseContext): fc.Arbitrary<Body> {
  const schema = bodySchemaOf(op, ctx);
  if (!schema)
    return fc.constantFrom<Body>(
      { kind: 'none' },
      { kind: 'none' },
      { kind: 'json', value: {}, contentType: 'application/json' },
    );
  const json = valuesOf(schema, ctx.schemas).map(
    (value): Body => ({ kind: 'json', value, contentType: 'application/json' }),
  );
  if (!local(op).endsWith('/feedback/import')) return json;
  const ndjson = valuesOf(schema, ctx.schemas).map(
    (rows): Body => ({
      kind: 'text',
      text: (rows as unknown[]).map((r) => JSON.stringify(r)).join('\n'),
      contentType: 'application/x-ndjson',
    }),
  );
  return fc.oneof(
    json,
    ndjson,
    json.map((b): Body => (b.kind === 'json' ? { ...b, value: { items: b.value } } : b)),
  );
}

function headersArb(op: Operation): fc.Arbitrary<Record<string, string>> {
  const path = local(op);
  if (path === '/ingest/github/webhook')
    return fc
      .constantFrom('issues', 'issues', 'issues', 'ping', 'push')
      .map((e) => ({ 'x-github-event': e }));
  if (path === '/ingest/sentry')
    return fc
      .constantFrom('event_alert', 'error', 'issue', 'installation')
      .map((r) => ({ 'sentry-hook-resource': r }));
  return fc.constant({});
}

function authArb(op: Operation): fc.Arbitrary<AuthName> {
  const weights: Partial<Record<AuthName, number>> = {
    admin: 3,
    'key:admin': 3,
    session: 4,
    none: op.public ? 8 : 1,
  };
  return fc.oneof(...AUTH_NAMES.map((a) => ({ arbitrary: fc.constant(a), weight: weights[a] ?? 1 })));
}

const styleArb: fc.Arbitrary<AuthStyle> = fc.oneof(
  { arbitrary: fc.constant<AuthStyle>('standard'), weight: 20 },
  ...AUTH_STYLES.filter((s) => s !== 'standard').map((s) => ({ arbitrary: fc.constant(s), weight: 1 })),
);

const WEBHOOKS = /\/(ingest\/github\/webhook|ingest\/sentry|billing\/stripe\/webhook)$/;

const ADDRESSES = ['127.0.0.1', '10.1.2.3', '203.0.113.7', '::1', '2001:db8::7', '::ffff:192.0.2.1'];

/** A request the operation's schema accepts, aimed at the fixtures (mostly). */
export function validCase(op: Operation, ctx: CaseContext): fc.Arbitrary<RequestCase> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      params: fc.record(
        Object.fromEntries(pathParams.map((p) => [p.name, paramArb(op, p.name, p.schema, ctx)])),
      ),
      query: queryParams.length === 0 ? fc.constant({}) : valuesOf(objectSchema(queryParams), ctx.schemas),
      body: bodyArb(op, ctx),
      auth: authArb(op),
      authStyle: styleArb,
      headers: headersArb(op),
      remoteAddress: fc.constantFrom(...ADDRESSES),
      sign: WEBHOOKS.test(op.path)
        ? fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false))
        : fc.constant(false),
    })
    .map((r) => ({
      operation: op,
      kind: 'valid' as const,
      note: 'valid',
      method: op.method,
      params: r.params,
      rawParams: {},
      query: r.query as Record<string, unknown>,
      body: r.body,
      auth: r.auth,
      authStyle: r.authStyle,
      headers: r.headers,
      remoteAddress: r.remoteAddress,
      sign: r.sign,
    }));
}

/** A valid request with one thing wrong: in the body, the query or a path parameter. */
export function almostValidCase(op: Operation, ctx: CaseContext): fc.Arbitrary<RequestCase> {
  const bodySchema = bodySchemaOf(op, ctx);
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  return validCase(op, ctx).chain((c) => {
    const options: Array<fc.Arbitrary<RequestCase>> = [];
    if (c.body.kind === 'json') {
      const value = c.body.value;
      options.push(
        mutationOf(bodySchema, value, ctx.schemas).map((m) => ({
          ...c,
          kind: 'almost' as const,
          note: `body: ${m.note}`,
          body: { kind: 'json' as const, value: m.value, contentType: 'application/json' },
        })),
      );
    }
    if (queryParams.length > 0) {
      options.push(
        mutationOf(objectSchema(queryParams), c.query, ctx.schemas).map((m) => ({
          ...c,
          kind: 'almost' as const,
          note: `query: ${m.note}`,
          query: (m.value ?? {}) as Record<string, unknown>,
        })),
      );
    }
    if (pathParams.length > 0) {
      options.push(
        mutationOf(objectSchema(pathParams), c.params, ctx.schemas)
          .filter((m) => typeof m.value === 'object' && m.value !== null && !Array.isArray(m.value))
          .map((m) => ({
            ...c,
            kind: 'almost' as const,
            note: `path: ${m.note}`,
            params: m.value as Record<string, unknown>,
          })),
      );
    }
    options.push(
      fc.constantFrom('body', 'no body').map((what) => ({
        ...c,
        kind: 'almost' as const,
        note: what === 'body' ? 'unexpected extra body' : 'no body',
        body:
          what === 'body'
            ? { kind: 'json' as const, value: { extra: [1, 'two'] }, contentType: 'application/json' }
            : { kind: 'none' as const },
      })),
    );
    return fc.oneof(...options);
  });
}

/** Any of the three kinds, for one operation. */
export function caseOf(op: Operation, ctx: CaseContext): fc.Arbitrary<RequestCase> {
  const target = { bodyLimit: ctx.bodyLimit(op) };
  return fc.oneof(
    { arbitrary: validCase(op, ctx), weight: 7 },
    { arbitrary: almostValidCase(op, ctx), weight: 7 },
    {
      arbitrary: validCase(op, ctx).chain((c) =>
        hostileOf(c, target).map((h) => ({ ...h, kind: 'hostile' as const })),
      ),
      weight: 6,
    },
  );
}
