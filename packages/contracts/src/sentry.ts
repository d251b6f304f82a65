import { z } from 'zod';

const Str = z.string().max(10_000);
const Id = z.union([z.string().max(128), z.number().int()]).transform(String);

export const SentryFrame = z.looseObject({
  filename: Str.nullish(),
  abs_path: Str.nullish(),
  module: Str.nullish(),
  function: Str.nullish(),
  lineno: z.number().int().nullish(),
  colno: z.number().int().nullish(),
  in_app: z.boolean().nullish(),
});
export type SentryFrame = z.infer<typeof SentryFrame>;

export const SentryException = z.looseObject({
  type: Str.nullish(),
  value: Str.nullish(),
  stacktrace: z.looseObject({ frames: z.array(SentryFrame).max(1_000).nullish() }).nullish(),
});

/** A Sentry event as `event_alert` and `error` webhooks carry it (unknown fields kept). */
export const SentryEvent = z.looseObject({
  event_id: Str.nullish(),
  issue_id: Id.nullish(),
  title: Str.nullish(),
  message: Str.nullish(),
  culprit: Str.nullish(),
  level: Str.nullish(),
  environment: Str.nullish(),
  release: Str.nullish(),
  platform: Str.nullish(),
  web_url: Str.nullish(),
  url: Str.nullish(),
  issue_url: Str.nullish(),
  datetime: Str.nullish(),
  timestamp: z.union([z.number(), Str]).nullish(),
  exception: z.looseObject({ values: z.array(SentryException).max(100).nullish() }).nullish(),
  metadata: z.looseObject({ type: Str.nullish(), value: Str.nullish(), filename: Str.nullish() }).nullish(),
});
export type SentryEvent = z.infer<typeof SentryEvent>;

/** A Sentry issue as `issue` webhooks carry it. */
export const SentryIssue = z.looseObject({
  id: Id,
  shortId: Str.nullish(),
  title: Str.nullish(),
  culprit: Str.nullish(),
  level: Str.nullish(),
  status: Str.nullish(),
  platform: Str.nullish(),
  permalink: Str.nullish(),
  web_url: Str.nullish(),
  firstSeen: Str.nullish(),
  lastSeen: Str.nullish(),
  count: z.union([z.number(), Str]).nullish(),
  userCount: z.number().nullish(),
  metadata: z.looseObject({ type: Str.nullish(), value: Str.nullish(), filename: Str.nullish() }).nullish(),
  project: z.looseObject({ id: Id.nullish(), name: Str.nullish(), slug: Str.nullish() }).nullish(),
});
export type SentryIssue = z.infer<typeof SentryIssue>;

/** The envelope of every Sentry integration webhook; `data` depends on `Sentry-Hook-Resource`. */
export const SentryWebhookBody = z.looseObject({
  action: Str.optional(),
  data: z.looseObject({
    event: SentryEvent.optional(),
    error: SentryEvent.optional(),
    issue: SentryIssue.optional(),
  }),
});
export type SentryWebhookBody = z.infer<typeof SentryWebhookBody>;
