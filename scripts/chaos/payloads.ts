import { createHmac, randomUUID } from 'node:crypto';
import type { Random } from './random.js';

/** Bug reports about a dozen problems, so clustering has real groups to form. */
const TOPICS = [
  ['Login fails with a 500 after the password reset', 'login', 'password reset'],
  ['Checkout crashes when a coupon is applied', 'checkout', 'coupon'],
  ['Dark mode resets to light after a restart', 'dark mode', 'theme setting'],
  ['CSV export drops the last column', 'CSV export', 'last column'],
  ['Search ignores accented characters', 'search', 'accents'],
  ['Uploading a PNG over 10 MB freezes the editor', 'image upload', 'large PNG'],
  ['Push notifications arrive twice on Android', 'push notifications', 'duplicates'],
  ['Calendar shows events in the wrong time zone', 'calendar', 'time zone'],
  ['Sync loses offline drafts', 'offline sync', 'drafts'],
  ['Invoice PDF has overlapping text', 'invoice PDF', 'layout'],
  ['Two-factor codes are rejected as expired', 'two-factor', 'expired codes'],
  ['Dashboard charts never finish loading', 'dashboard charts', 'spinner'],
] as const;

const OPENINGS = ['Since the update', 'On my phone', 'Every time', 'For our whole team', 'Intermittently'];
const ENDINGS = ['Please fix.', 'This blocks us.', 'Steps attached.', 'Happens on Chrome and Safari.', ''];

export interface Report {
  title: string;
  body: string;
}

/** A report on one of the topics, worded a little differently each time. */
export function report(rnd: Random): Report {
  const [title, subject, detail] = rnd.pick(TOPICS);
  return {
    title: rnd.next() < 0.5 ? title : `${title} (${rnd.pick(OPENINGS).toLowerCase()})`,
    body: `${rnd.pick(OPENINGS)}, ${subject} misbehaves: ${detail}. ${rnd.pick(ENDINGS)}`.trim(),
  };
}

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A signed `issues` webhook delivery for `acme/shop#number`, as GitHub sends it. */
export function githubIssueEvent(
  projectId: string,
  secret: string,
  action: 'opened' | 'edited',
  number: number,
  text: Report,
): SignedRequest {
  const body = JSON.stringify({
    action,
    issue: {
      id: 2_000_000 + number,
      number,
      title: text.title,
      body: text.body,
      state: 'open',
      html_url: `https://github.com/acme/shop/issues/${number}`,
      user: { login: 'octocat', id: 1, type: 'User' },
      labels: [{ id: 208045946, name: 'bug', color: 'f29513' }],
      comments: 0,
      created_at: '2026-03-01T10:00:00Z',
      updated_at: new Date().toISOString(),
      closed_at: null,
      author_association: 'NONE',
    },
    repository: {
      id: 4242,
      name: 'shop',
      full_name: 'acme/shop',
      private: false,
      owner: { login: 'acme', id: 7, type: 'Organization' },
      html_url: 'https://github.com/acme/shop',
    },
    sender: { login: 'octocat', id: 1, type: 'User' },
  });
  return {
    path: `/projects/${projectId}/ingest/github/webhook`,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/chaos',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  };
}

/** A signed `event_alert` delivery for Sentry issue `issueId`, as Sentry's integration platform sends it. */
export function sentryEventAlert(
  projectId: string,
  secret: string,
  issueId: string,
  text: Report,
): SignedRequest {
  const eventId = randomUUID().replaceAll('-', '');
  const body = JSON.stringify({
    action: 'triggered',
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: {
      event: {
        event_id: eventId,
        issue_id: issueId,
        issue_url: `https://sentry.io/api/0/issues/${issueId}/`,
        web_url: `https://sentry.io/organizations/acme/issues/${issueId}/events/${eventId}/`,
        title: `Error: ${text.title}`,
        culprit: 'app/checkout/cart in applyCoupon',
        level: 'error',
        platform: 'javascript',
        datetime: new Date().toISOString(),
        exception: {
          values: [
            {
              type: 'Error',
              value: text.title,
              stacktrace: {
                frames: [
                  { filename: 'app/checkout/cart.ts', function: 'applyCoupon', lineno: 41, in_app: true },
                ],
              },
            },
          ],
        },
      },
      triggered_rule: 'Send new errors to Fixloop',
    },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
  });
  return {
    path: `/projects/${projectId}/ingest/sentry`,
    headers: {
      'content-type': 'application/json',
      'request-id': randomUUID(),
      'sentry-hook-resource': 'event_alert',
      'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
      'sentry-hook-signature': createHmac('sha256', secret).update(body).digest('hex'),
    },
    body,
  };
}
