import { createHmac, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

const ENV_SECRET = 'env-sentry-client-secret';
const PROJECT_SECRET = 'project-sentry-client-secret';

let ctx: TestContext;
let redis: Redis;

beforeAll(async () => {
  ctx = await createTestContext({ SENTRY_WEBHOOK_SECRET: ENV_SECRET });
  redis = ctx.runtime.container.redis;
});
afterAll(async () => ctx.close());

const k = (pid: string, rest: string) => `project:{${pid}}:${rest}`;
const stored = (pid: string) => redis.zcard(k(pid, 'feedback:created'));
const isUnclustered = async (pid: string, id: string) =>
  (await redis.sismember(k(pid, 'feedback:unclustered'), id)) === 1;

// --- payloads as Sentry's integration platform sends them ---------------------------------------

function frame(filename: string, fn: string, lineno: number, inApp: boolean) {
  return {
    filename,
    abs_path: `webpack:///${filename}`,
    function: fn,
    module: filename.replace(/\.[jt]sx?$/, '').replaceAll('/', '.'),
    lineno,
    colno: 12,
    in_app: inApp,
    context_line: '    const id = cart.coupon.id;',
  };
}

function eventAlert(issueId: string | undefined, eventId: string) {
  return {
    action: 'triggered',
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: {
      event: {
        event_id: eventId,
        ...(issueId === undefined
          ? {}
          : {
              issue_id: issueId,
              issue_url: `https://sentry.io/api/0/issues/${issueId}/`,
              web_url: `https://sentry.io/organizations/acme/issues/${issueId}/events/${eventId}/`,
            }),
        url: `https://sentry.io/api/0/projects/acme/web/events/${eventId}/`,
        project: 2,
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        culprit: 'app/checkout/cart in applyCoupon',
        level: 'error',
        environment: 'production',
        release: 'web@1.4.2',
        platform: 'javascript',
        datetime: '2026-03-01T12:00:00.123000Z',
        timestamp: 1_772_366_400.123,
        logger: '',
        tags: [['browser', 'Chrome 131']],
        exception: {
          values: [
            {
              type: 'TypeError',
              value: "Cannot read properties of undefined (reading 'id')",
              mechanism: { type: 'onunhandledrejection', handled: false },
              stacktrace: {
                frames: [
                  frame(
                    'node_modules/react-dom/cjs/react-dom.development.js',
                    'invokeGuardedCallback',
                    4164,
                    false,
                  ),
                  frame('app/checkout/page.tsx', 'onSubmit', 88, true),
                  frame('node_modules/lodash/lodash.js', 'baseGet', 3025, false),
                  frame('app/checkout/cart.ts', 'applyCoupon', 41, true),
                ],
              },
            },
          ],
        },
        metadata: {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'id')",
          filename: 'app/checkout/cart.ts',
        },
      },
      triggered_rule: 'Send new errors to Fixloop',
    },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
  };
}

function issueHook(action: string, issueId: string, status: string) {
  return {
    action,
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: {
      issue: {
        id: issueId,
        shortId: 'WEB-3F',
        title: 'RangeError: Maximum call stack size exceeded',
        culprit: 'app/search/index in highlight',
        level: 'error',
        status,
        statusDetails: {},
        substatus: status === 'resolved' ? null : 'new',
        platform: 'javascript',
        type: 'error',
        metadata: {
          type: 'RangeError',
          value: 'Maximum call stack size exceeded',
          filename: 'app/search/index.ts',
        },
        project: { id: '2', name: 'web', slug: 'web', platform: 'javascript' },
        numComments: 0,
        assignedTo: null,
        isBookmarked: false,
        hasSeen: false,
        isPublic: false,
        shareId: null,
        firstSeen: '2026-03-02T08:30:00.000000Z',
        lastSeen: '2026-03-02T09:00:00.000000Z',
        count: '12',
        userCount: 4,
        url: `https://sentry.io/api/0/organizations/acme/issues/${issueId}/`,
        web_url: `https://sentry.io/organizations/acme/issues/${issueId}/`,
        project_url: 'https://sentry.io/organizations/acme/issues/?project=2',
      },
    },
    actor: { type: 'user', id: 1, name: 'Jane Doe' },
  };
}

interface Delivery {
  url: string;
  resource?: string;
  body: unknown;
  /** Signs the exact bytes with this secret. */
  secret?: string;
  signature?: string;
  token?: string | null;
  raw?: string;
}

function deliver(d: Delivery) {
  const raw = d.raw ?? JSON.stringify(d.body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': randomUUID(),
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
  };
  if (d.resource !== undefined) headers['sentry-hook-resource'] = d.resource;
  const signature =
    d.signature ??
    (d.secret === undefined ? undefined : createHmac('sha256', d.secret).update(raw).digest('hex'));
  if (signature !== undefined) headers['sentry-hook-signature'] = signature;
  return ctx.request({ method: 'POST', url: d.url, payload: raw, headers, token: d.token ?? null });
}

/** A Sentry issue id no other test (or test file, on the shared `default` project) uses. */
const uniqueIssueId = () => String(Math.floor(Math.random() * 9e11) + 1e11);

describe('POST /projects/{pid}/ingest/sentry with a project client secret', () => {
  let p: { id: string; apiKey: string };
  let url: string;

  beforeAll(async () => {
    p = await ctx.createProject();
    url = `/projects/${p.id}/ingest/sentry`;
    const res = await ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/secrets`,
      payload: { sentryWebhookSecret: PROJECT_SECRET },
    });
    expect(res.statusCode).toBe(204);
  });

  it('stores an event alert with what a fix needs, keyed by the Sentry issue id', async () => {
    const body = eventAlert('1170820242', 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
    const res = await deliver({ url, resource: 'event_alert', body, secret: PROJECT_SECRET });
    expect(res.statusCode).toBe(201);
    const item = res.json();
    expect(item).toMatchObject({
      projectId: p.id,
      source: 'sentry',
      externalId: '1170820242',
      title: "TypeError: Cannot read properties of undefined (reading 'id')",
      url: 'https://sentry.io/organizations/acme/issues/1170820242/events/a1b2c3d4e5f60718293a4b5c6d7e8f90/',
      createdAt: '2026-03-01T12:00:00.123Z',
      status: 'open',
      duplicate: false,
    });
    expect(item.metadata).toEqual({
      sentry: {
        issueId: '1170820242',
        eventId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        level: 'error',
        environment: 'production',
        release: 'web@1.4.2',
        platform: 'javascript',
        culprit: 'app/checkout/cart in applyCoupon',
        exception: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'id')" },
        frames: [
          {
            filename: 'app/checkout/page.tsx',
            function: 'onSubmit',
            module: 'app.checkout.page',
            lineno: 88,
          },
          {
            filename: 'app/checkout/cart.ts',
            function: 'applyCoupon',
            module: 'app.checkout.cart',
            lineno: 41,
          },
        ],
      },
    });
    expect(item.body).toBe(
      [
        "TypeError: Cannot read properties of undefined (reading 'id')",
        'in app/checkout/cart in applyCoupon',
        '',
        'Stack (in-app frames, innermost last):',
        '  at onSubmit (app/checkout/page.tsx:88)',
        '  at applyCoupon (app/checkout/cart.ts:41)',
        '',
        'environment production, release web@1.4.2',
      ].join('\n'),
    );
    expect(item.body).not.toContain('node_modules');
    expect(await isUnclustered(p.id, item.id)).toBe(true);

    const again = await deliver({ url, resource: 'event_alert', body, secret: PROJECT_SECRET });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: item.id, duplicate: true });

    const laterEvent = eventAlert('1170820242', 'ffffffffffffffffffffffffffffffff');
    const sameIssue = await deliver({
      url,
      resource: 'event_alert',
      body: laterEvent,
      secret: PROJECT_SECRET,
    });
    expect(sameIssue.statusCode).toBe(200);
    expect(sameIssue.json()).toMatchObject({ id: item.id, duplicate: true });
    expect(await stored(p.id)).toBe(1);
  });

  it('keys an event without an issue id by `event:<eventId>`', async () => {
    const body = eventAlert(undefined, '0123456789abcdef0123456789abcdef');
    const res = await deliver({ url, resource: 'event_alert', body, secret: PROJECT_SECRET });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      externalId: 'event:0123456789abcdef0123456789abcdef',
      url: 'https://sentry.io/api/0/projects/acme/web/events/0123456789abcdef0123456789abcdef/',
    });
    expect(await redis.get(k(p.id, 'feedback:external:sentry:event:0123456789abcdef0123456789abcdef'))).toBe(
      res.json().id,
    );
  });

  it('stores `error` resources from data.error', async () => {
    const { event } = eventAlert('2280000001', '11111111111111111111111111111111').data;
    const body = { action: 'created', installation: { uuid: 'x' }, data: { error: event } };
    const res = await deliver({ url, resource: 'error', body, secret: PROJECT_SECRET });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ externalId: '2280000001', source: 'sentry' });
  });

  it('creates an issue, closes it when resolved and reopens it when unresolved', async () => {
    const created = await deliver({
      url,
      resource: 'issue',
      body: issueHook('created', '3390000001', 'unresolved'),
      secret: PROJECT_SECRET,
    });
    expect(created.statusCode).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({
      externalId: '3390000001',
      title: 'RangeError: Maximum call stack size exceeded',
      body: 'RangeError: Maximum call stack size exceeded\nin app/search/index in highlight',
      url: 'https://sentry.io/organizations/acme/issues/3390000001/',
      createdAt: '2026-03-02T08:30:00.000Z',
      status: 'open',
      duplicate: false,
      metadata: {
        sentry: {
          issueId: '3390000001',
          shortId: 'WEB-3F',
          status: 'unresolved',
          project: 'web',
          culprit: 'app/search/index in highlight',
          exception: { type: 'RangeError', value: 'Maximum call stack size exceeded' },
        },
      },
    });
    expect(await isUnclustered(p.id, item.id)).toBe(true);

    const resolved = await deliver({
      url,
      resource: 'issue',
      body: issueHook('resolved', '3390000001', 'resolved'),
      secret: PROJECT_SECRET,
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ id: item.id, status: 'closed', duplicate: true });
    expect(await isUnclustered(p.id, item.id)).toBe(false);

    const unresolved = await deliver({
      url,
      resource: 'issue',
      body: issueHook('unresolved', '3390000001', 'unresolved'),
      secret: PROJECT_SECRET,
    });
    expect(unresolved.statusCode).toBe(200);
    expect(unresolved.json()).toMatchObject({ id: item.id, status: 'open' });
    expect(await isUnclustered(p.id, item.id)).toBe(true);

    // An alert for the same Sentry issue is the same report.
    const alert = await deliver({
      url,
      resource: 'event_alert',
      body: eventAlert('3390000001', '22222222222222222222222222222222'),
      secret: PROJECT_SECRET,
    });
    expect(alert.statusCode).toBe(200);
    expect(alert.json()).toMatchObject({ id: item.id, duplicate: true });
  });

  it('acknowledges resources and issue actions it does not store with 202', async () => {
    const before = await stored(p.id);
    const cases: Array<[string | undefined, unknown, string]> = [
      ['installation', { action: 'created', data: { installation: { uuid: 'x' } } }, 'installation'],
      ['metric_alert', { action: 'critical', data: { metric_alert: { id: '1' } } }, 'metric_alert'],
      ['issue', issueHook('assigned', '3390000002', 'unresolved'), 'issue.assigned'],
      [undefined, { action: 'created', data: {} }, 'no Sentry-Hook-Resource header'],
    ];
    for (const [resource, body, ignored] of cases) {
      const res = await deliver({ url, ...(resource ? { resource } : {}), body, secret: PROJECT_SECRET });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ ok: true, ignored });
    }
    expect(await stored(p.id)).toBe(before);
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const before = await stored(p.id);
    const body = eventAlert('4400000001', '33333333333333333333333333333333');
    const attempts: Delivery[] = [
      { url, resource: 'event_alert', body },
      { url, resource: 'event_alert', body, token: p.apiKey },
      { url, resource: 'event_alert', body, token: ctx.adminToken },
      { url, resource: 'event_alert', body, secret: 'another-secret' },
      { url, resource: 'event_alert', body, secret: ENV_SECRET },
      { url, resource: 'event_alert', body, signature: 'not-hex' },
      {
        url,
        resource: 'event_alert',
        body,
        signature: createHmac('sha256', PROJECT_SECRET).update('{}').digest('hex'),
      },
      // A malformed body with a bad signature is refused for the signature, before validation.
      { url, resource: 'event_alert', body: { nope: true }, secret: 'another-secret' },
    ];
    for (const attempt of attempts) {
      const res = await deliver(attempt);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_signature');
    }
    expect(await stored(p.id)).toBe(before);
    expect(await redis.get(k(p.id, 'feedback:external:sentry:4400000001'))).toBeNull();
  });

  it('answers 422 for a signed body of the wrong shape and 400 for signed non-JSON', async () => {
    const before = await stored(p.id);
    const shapes: Array<[string, unknown, string]> = [
      ['event_alert', { action: 'triggered' }, 'body.data'],
      ['event_alert', { action: 'triggered', data: {} }, 'data.event'],
      ['issue', { action: 'created', data: {} }, 'data.issue'],
      ['event_alert', { action: 'triggered', data: { event: { title: 'no ids' } } }, 'data.event.event_id'],
      ['event_alert', { action: 'triggered', data: { event: { event_id: 42 } } }, 'body.data.event.event_id'],
    ];
    for (const [resource, body, path] of shapes) {
      const res = await deliver({ url, resource, body, secret: PROJECT_SECRET });
      expect(res.statusCode).toBe(422);
      const { error } = res.json();
      expect(error.code).toBe('validation_failed');
      expect(error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const raw = '{"action": "triggered", "data": ';
    const notJson = await deliver({ url, resource: 'event_alert', body: null, raw, secret: PROJECT_SECRET });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_json');
    expect(await stored(p.id)).toBe(before);
  });
});

describe('POST /projects/{pid}/ingest/sentry without a client secret', () => {
  it("needs a key of that project; another project's key or the env secret does not do", async () => {
    const p = await ctx.createProject();
    const other = await ctx.createProject();
    const url = `/projects/${p.id}/ingest/sentry`;
    const body = eventAlert('5500000001', '44444444444444444444444444444444');

    const none = await deliver({ url, resource: 'event_alert', body });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const foreign = await deliver({ url, resource: 'event_alert', body, token: other.apiKey });
    expect(foreign.statusCode).toBe(401);
    const envSigned = await deliver({ url, resource: 'event_alert', body, secret: ENV_SECRET });
    expect(envSigned.statusCode).toBe(401);
    expect(await stored(p.id)).toBe(0);

    const keyed = await deliver({ url, resource: 'event_alert', body, token: p.apiKey });
    expect(keyed.statusCode).toBe(201);
    expect(keyed.json()).toMatchObject({ projectId: p.id, externalId: '5500000001' });
    expect(await stored(p.id)).toBe(1);
  });
});

describe('POST /ingest/sentry (the default project)', () => {
  it('verifies against SENTRY_WEBHOOK_SECRET', async () => {
    const issueId = uniqueIssueId();
    const body = eventAlert(issueId, randomUUID().replaceAll('-', ''));
    const ext = k('default', `feedback:external:sentry:${issueId}`);

    const wrong = await deliver({
      url: '/ingest/sentry',
      resource: 'event_alert',
      body,
      secret: PROJECT_SECRET,
    });
    expect(wrong.statusCode).toBe(401);
    const keyOnly = await deliver({
      url: '/ingest/sentry',
      resource: 'event_alert',
      body,
      token: ctx.adminToken,
    });
    expect(keyOnly.statusCode).toBe(401);
    expect(await redis.get(ext)).toBeNull();

    const res = await deliver({ url: '/ingest/sentry', resource: 'event_alert', body, secret: ENV_SECRET });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ projectId: 'default', externalId: issueId, duplicate: false });
    expect(await redis.get(ext)).toBe(res.json().id);
  });
});
