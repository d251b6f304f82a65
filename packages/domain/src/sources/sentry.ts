import type {
  NewFeedback,
  SentryEvent,
  SentryFrame,
  SentryIssue,
  SentryWebhookBody,
} from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { boundBody, boundTitle, toIso } from './text.js';

const MAX_FRAMES = 30;

/** What a Sentry webhook asks of the store. */
export type SentryAction =
  | { kind: 'add'; item: NewFeedback }
  | { kind: 'upsert'; item: NewFeedback & { externalId: string } }
  | { kind: 'ignore'; reason: string };

/**
 * Reads a Sentry webhook by its `Sentry-Hook-Resource`: alerts and error events become reports
 * (deduplicated on the Sentry issue id, else the event id); issue webhooks create, resolve or
 * reopen the issue's report.
 */
export function normalizeSentryWebhook(resource: string, body: SentryWebhookBody): SentryAction {
  switch (resource) {
    case 'event_alert':
    case 'error': {
      const event = resource === 'event_alert' ? body.data.event : body.data.error;
      if (!event) throw missing(`data.${resource === 'event_alert' ? 'event' : 'error'}`);
      return { kind: 'add', item: fromEvent(event) };
    }
    case 'issue': {
      const issue = body.data.issue;
      if (!issue) throw missing('data.issue');
      const action = body.action ?? 'created';
      if (action === 'created') return { kind: 'upsert', item: fromIssue(issue, 'open') };
      if (action === 'resolved') return { kind: 'upsert', item: fromIssue(issue, 'closed') };
      if (action === 'unresolved') return { kind: 'upsert', item: fromIssue(issue, 'open') };
      return { kind: 'ignore', reason: `issue.${action}` };
    }
    default:
      return { kind: 'ignore', reason: resource === '' ? 'no Sentry-Hook-Resource header' : resource };
  }
}

function missing(path: string) {
  return new DomainError('validation_failed', `${path}: required for this Sentry-Hook-Resource`, {
    issues: [{ path, message: 'required' }],
  });
}

function fromEvent(e: SentryEvent): NewFeedback {
  const exc = e.exception?.values?.at(-1);
  const type = exc?.type ?? e.metadata?.type ?? undefined;
  const value = exc?.value ?? e.metadata?.value ?? undefined;
  const frames = inAppFrames(exc?.stacktrace?.frames ?? []);
  const issueId = e.issue_id ?? undefined;
  const eventId = e.event_id ?? undefined;
  if (issueId === undefined && eventId === undefined) throw missing('data.event.event_id');
  const title = boundTitle(e.title ?? (type ? `${type}${value ? `: ${value}` : ''}` : (e.message ?? '')));
  const sentry = compact({
    issueId,
    eventId,
    level: e.level,
    environment: e.environment,
    release: e.release,
    platform: e.platform,
    culprit: e.culprit,
    exception: type || value ? compact({ type, value }) : undefined,
    frames,
  });
  return {
    source: 'sentry',
    externalId: issueId !== undefined ? issueId : `event:${eventId}`,
    title: title === '' ? 'Sentry event' : title,
    body: boundBody(describe(type, value, e.culprit, frames, e.environment, e.release, e.message)),
    url: e.web_url ?? e.url ?? undefined,
    createdAt: toIso(
      e.datetime ?? (typeof e.timestamp === 'number' ? e.timestamp : (e.timestamp ?? undefined)),
    ),
    status: 'open',
    metadata: { sentry },
  };
}

function fromIssue(i: SentryIssue, status: 'open' | 'closed'): NewFeedback & { externalId: string } {
  const type = i.metadata?.type ?? undefined;
  const value = i.metadata?.value ?? undefined;
  const title = boundTitle(i.title ?? (type ? `${type}${value ? `: ${value}` : ''}` : ''));
  return {
    source: 'sentry',
    externalId: i.id,
    title: title === '' ? `Sentry issue ${i.shortId ?? i.id}` : title,
    body: boundBody(describe(type, value, i.culprit, [], undefined, undefined, undefined)),
    url: i.web_url ?? i.permalink ?? undefined,
    createdAt: toIso(i.firstSeen),
    status,
    metadata: {
      sentry: compact({
        issueId: i.id,
        shortId: i.shortId,
        level: i.level,
        status: i.status,
        platform: i.platform,
        culprit: i.culprit,
        project: i.project?.slug ?? i.project?.name,
        exception: type || value ? compact({ type, value }) : undefined,
        lastSeen: i.lastSeen,
        count: i.count,
      }),
    },
  };
}

interface Frame {
  filename?: string;
  function?: string;
  module?: string;
  lineno?: number;
}

/** In-app frames, innermost last as Sentry orders them, bounded. */
function inAppFrames(frames: SentryFrame[]): Frame[] {
  return frames
    .filter((f) => f.in_app === true)
    .slice(-MAX_FRAMES)
    .map((f) =>
      compact({
        filename: f.filename ?? f.abs_path ?? undefined,
        function: f.function ?? undefined,
        module: f.module ?? undefined,
        lineno: f.lineno ?? undefined,
      }),
    );
}

function describe(
  type: string | undefined,
  value: string | undefined,
  culprit: string | null | undefined,
  frames: Frame[],
  environment: string | null | undefined,
  release: string | null | undefined,
  message: string | null | undefined,
): string {
  const lines: string[] = [];
  if (type || value) lines.push([type, value].filter(Boolean).join(': '));
  else if (message) lines.push(message);
  if (culprit) lines.push(`in ${culprit}`);
  if (frames.length > 0) {
    lines.push('', 'Stack (in-app frames, innermost last):');
    for (const f of frames) {
      lines.push(
        `  at ${f.function ?? '?'} (${f.filename ?? f.module ?? '?'}${f.lineno ? `:${f.lineno}` : ''})`,
      );
    }
  }
  const where = [environment && `environment ${environment}`, release && `release ${release}`].filter(
    Boolean,
  );
  if (where.length > 0) lines.push('', where.join(', '));
  return lines.join('\n');
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}
