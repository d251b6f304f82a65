import { SentryWebhookBody } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { normalizeSentryWebhook, type SentryAction } from './sentry.js';

/** Bodies go through the route's schema first, as they do in the API. */
const normalize = (resource: string, body: unknown) =>
  normalizeSentryWebhook(resource, SentryWebhookBody.parse(body));

function itemOf(action: SentryAction) {
  if (action.kind === 'ignore') throw new Error(`ignored: ${action.reason}`);
  return action.item;
}

function frame(fn: string, inApp: boolean | null, extra: Record<string, unknown> = {}) {
  return { function: fn, filename: `src/${fn}.ts`, lineno: 10, in_app: inApp, ...extra };
}

const alert = (event: Record<string, unknown>) => ({ action: 'triggered', data: { event } });

function missingPath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('validation_failed');
    return ((err as DomainError).details as { issues: Array<{ path: string }> }).issues[0]?.path;
  }
  throw new Error('expected a validation error');
}

describe('normalizeSentryWebhook, events', () => {
  it('turns an event alert into a report keyed by the issue id, with in-app frames only', () => {
    const action = normalize(
      'event_alert',
      alert({
        event_id: 'e1',
        issue_id: 42,
        title: 'ValueError: bad cart',
        culprit: 'shop.cart in total',
        level: 'error',
        environment: 'staging',
        release: 'shop@2.0.0',
        platform: 'python',
        web_url: 'https://sentry.io/organizations/acme/issues/42/events/e1/',
        url: 'https://sentry.io/api/0/projects/acme/shop/events/e1/',
        datetime: '2026-03-01T12:00:00.000000Z',
        exception: {
          values: [
            { type: 'KeyError', value: "'coupon'", stacktrace: { frames: [frame('lookup', true)] } },
            {
              type: 'ValueError',
              value: 'bad cart',
              stacktrace: {
                frames: [
                  frame('wsgi', false),
                  frame('view', true, { filename: null, abs_path: '/srv/shop/views.py', lineno: 7 }),
                  frame('helper', null),
                  frame('total', true, { filename: null, module: 'shop.cart', lineno: null }),
                ],
              },
            },
          ],
        },
      }),
    );
    expect(action.kind).toBe('add');
    expect(itemOf(action)).toEqual({
      source: 'sentry',
      externalId: '42',
      title: 'ValueError: bad cart',
      body: [
        'ValueError: bad cart',
        'in shop.cart in total',
        '',
        'Stack (in-app frames, innermost last):',
        '  at view (/srv/shop/views.py:7)',
        '  at total (shop.cart)',
        '',
        'environment staging, release shop@2.0.0',
      ].join('\n'),
      url: 'https://sentry.io/organizations/acme/issues/42/events/e1/',
      createdAt: '2026-03-01T12:00:00.000Z',
      status: 'open',
      metadata: {
        sentry: {
          issueId: '42',
          eventId: 'e1',
          level: 'error',
          environment: 'staging',
          release: 'shop@2.0.0',
          platform: 'python',
          culprit: 'shop.cart in total',
          exception: { type: 'ValueError', value: 'bad cart' },
          frames: [
            { filename: '/srv/shop/views.py', function: 'view', lineno: 7 },
            { function: 'total', module: 'shop.cart' },
          ],
        },
      },
    });
  });

  it('keeps the 30 innermost in-app frames', () => {
    const frames = Array.from({ length: 40 }, (_, i) => frame(`f${i}`, true));
    const item = itemOf(
      normalize(
        'event_alert',
        alert({ event_id: 'e', exception: { values: [{ type: 'E', stacktrace: { frames } }] } }),
      ),
    );
    const kept = (item.metadata.sentry as { frames: Array<{ function: string }> }).frames;
    expect(kept.map((f) => f.function)).toEqual(Array.from({ length: 30 }, (_, i) => `f${i + 10}`));
  });

  it('keys an event without an issue by its event id, and falls back for title, url and time', () => {
    const item = itemOf(
      normalize(
        'event_alert',
        alert({
          event_id: 'abc',
          metadata: { type: 'TypeError', value: 'x is undefined' },
          url: 'https://sentry.io/api/0/projects/acme/web/events/abc/',
          timestamp: 1_772_366_400,
        }),
      ),
    );
    expect(item).toMatchObject({
      externalId: 'event:abc',
      title: 'TypeError: x is undefined',
      body: 'TypeError: x is undefined',
      url: 'https://sentry.io/api/0/projects/acme/web/events/abc/',
      createdAt: '2026-03-01T12:00:00.000Z',
    });
    expect(
      itemOf(normalize('event_alert', alert({ event_id: 'm', message: 'Disk almost full' }))),
    ).toMatchObject({
      title: 'Disk almost full',
      body: 'Disk almost full',
      url: undefined,
      createdAt: undefined,
    });
    expect(itemOf(normalize('event_alert', alert({ event_id: 'n' }))).title).toBe('Sentry event');
  });

  it('reads `error` resources from data.error', () => {
    const action = normalize('error', {
      action: 'created',
      data: { error: { event_id: 'e9', issue_id: '9' } },
    });
    expect(action).toMatchObject({ kind: 'add', item: { externalId: '9' } });
  });

  it('refuses an event without ids, and a resource without its object', () => {
    expect(missingPath(() => normalize('event_alert', alert({ title: 'no ids' })))).toBe(
      'data.event.event_id',
    );
    expect(missingPath(() => normalize('event_alert', { data: {} }))).toBe('data.event');
    expect(missingPath(() => normalize('error', { data: { event: { event_id: 'x' } } }))).toBe('data.error');
    expect(missingPath(() => normalize('issue', { action: 'created', data: {} }))).toBe('data.issue');
  });
});

describe('normalizeSentryWebhook, issues', () => {
  const issue = {
    id: '777',
    shortId: 'WEB-1',
    title: 'RangeError: too deep',
    culprit: 'search in highlight',
    level: 'error',
    status: 'unresolved',
    platform: 'javascript',
    web_url: 'https://sentry.io/organizations/acme/issues/777/',
    permalink: 'https://acme.sentry.io/issues/777/',
    firstSeen: '2026-03-02T08:30:00.000000Z',
    lastSeen: '2026-03-02T09:00:00Z',
    count: '12',
    metadata: { type: 'RangeError', value: 'too deep' },
    project: { id: '2', name: 'Web', slug: 'web' },
  };

  it('creates, resolves and reopens the issue report', () => {
    const created = normalize('issue', { action: 'created', data: { issue } });
    expect(created).toEqual({
      kind: 'upsert',
      item: {
        source: 'sentry',
        externalId: '777',
        title: 'RangeError: too deep',
        body: 'RangeError: too deep\nin search in highlight',
        url: 'https://sentry.io/organizations/acme/issues/777/',
        createdAt: '2026-03-02T08:30:00.000Z',
        status: 'open',
        metadata: {
          sentry: {
            issueId: '777',
            shortId: 'WEB-1',
            level: 'error',
            status: 'unresolved',
            platform: 'javascript',
            culprit: 'search in highlight',
            project: 'web',
            exception: { type: 'RangeError', value: 'too deep' },
            lastSeen: '2026-03-02T09:00:00Z',
            count: '12',
          },
        },
      },
    });
    const resolved = normalize('issue', {
      action: 'resolved',
      data: { issue: { ...issue, status: 'resolved' } },
    });
    expect(resolved).toMatchObject({ kind: 'upsert', item: { externalId: '777', status: 'closed' } });
    const reopened = normalize('issue', { action: 'unresolved', data: { issue } });
    expect(reopened).toMatchObject({ kind: 'upsert', item: { externalId: '777', status: 'open' } });
    expect(normalize('issue', { data: { issue } })).toMatchObject({
      kind: 'upsert',
      item: { status: 'open' },
    });
  });

  it('falls back for the title and the link', () => {
    const bare = { id: 5, shortId: 'API-9', permalink: 'https://acme.sentry.io/issues/5/' };
    expect(itemOf(normalize('issue', { action: 'created', data: { issue: bare } }))).toMatchObject({
      externalId: '5',
      title: 'Sentry issue API-9',
      url: 'https://acme.sentry.io/issues/5/',
      body: '',
    });
    const typed = { id: '6', metadata: { type: 'OSError' } };
    expect(itemOf(normalize('issue', { action: 'created', data: { issue: typed } })).title).toBe('OSError');
  });

  it('ignores other issue actions and other resources', () => {
    expect(normalize('issue', { action: 'assigned', data: { issue } })).toEqual({
      kind: 'ignore',
      reason: 'issue.assigned',
    });
    expect(normalize('installation', { action: 'created', data: {} })).toEqual({
      kind: 'ignore',
      reason: 'installation',
    });
    expect(normalize('', { data: {} })).toEqual({ kind: 'ignore', reason: 'no Sentry-Hook-Resource header' });
  });
});
