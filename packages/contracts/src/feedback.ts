import { z } from 'zod';
import { Cursor, Limit, Timestamp, TimestampInput, text } from './common.js';

/** Where a report came from. The known sources are listed; API clients may name their own. */
export const KNOWN_SOURCES = ['manual', 'github', 'reddit', 'sentry'] as const;
export const FeedbackSource = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a lowercase name such as manual, github, reddit or sentry')
  .meta({ examples: [...KNOWN_SOURCES] });
export type FeedbackSource = z.infer<typeof FeedbackSource>;

export const FeedbackStatus = z.enum(['open', 'closed']);
export type FeedbackStatus = z.infer<typeof FeedbackStatus>;

export const TITLE_MAX = 1_000;
export const BODY_MAX = 200_000;
export const EXTERNAL_ID_MAX = 512;

export const ExternalId = text(EXTERNAL_ID_MAX).min(1);
export const Metadata = z.record(z.string(), z.unknown());
export type Metadata = z.infer<typeof Metadata>;

export const METADATA_MAX_DEPTH = 32;

/** Whether a JSON value nests deeper than `max` levels (checked iteratively: no stack to overflow). */
function nestsDeeperThan(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Metadata a client sends: bounded nesting, so storing it (JSON.stringify) cannot exhaust the stack. */
export const MetadataInput = Metadata.refine(
  (m) => !nestsDeeperThan(m, METADATA_MAX_DEPTH),
  `nested more than ${METADATA_MAX_DEPTH} levels deep`,
);

/** One report, whatever its source: the single shape every ingest path normalizes to. */
export const FeedbackItem = z
  .object({
    id: z.string(),
    projectId: z.string(),
    source: FeedbackSource,
    externalId: z.string().optional(),
    title: z.string(),
    body: z.string(),
    url: z.string().optional(),
    author: z.string().optional(),
    createdAt: Timestamp,
    ingestedAt: Timestamp,
    status: FeedbackStatus,
    clusterId: z.string().optional(),
    metadata: Metadata,
    /** Stored past the plan's monthly limit: kept out of clustering until the plan or the month allows. */
    held: z.boolean().optional(),
  })
  .meta({ id: 'FeedbackItem' });
export type FeedbackItem = z.infer<typeof FeedbackItem>;

/** A normalized report before the store gives it an id, a project and an ingestion time. */
export interface NewFeedback {
  source: FeedbackSource;
  externalId?: string | undefined;
  title: string;
  body: string;
  url?: string | undefined;
  author?: string | undefined;
  /** The report's own time; the server's clock when absent. */
  createdAt?: string | undefined;
  status: FeedbackStatus;
  metadata: Metadata;
}

const Url = text(2_048).pipe(z.url({ protocol: /^https?$/ }));

/**
 * A report sent by hand or through the API. camelCase and the legacy snake_case names
 * (`external_id`, `raw_text`, `created_at`) are both accepted; `raw_text` becomes the body when
 * there is no body.
 */
export const FeedbackInput = z
  .object({
    source: FeedbackSource.optional(),
    externalId: ExternalId.optional(),
    external_id: ExternalId.optional(),
    title: text(TITLE_MAX * 4).optional(),
    body: text(BODY_MAX * 2).optional(),
    raw_text: text(BODY_MAX * 2).optional(),
    url: Url.optional(),
    author: text(256).optional(),
    createdAt: TimestampInput.optional(),
    created_at: TimestampInput.optional(),
    status: FeedbackStatus.optional(),
    metadata: MetadataInput.optional(),
  })
  .transform((v, ctx): NewFeedback => {
    const title = (v.title ?? '').trim();
    const body = (v.body ?? v.raw_text ?? '').trim();
    if (title.length > TITLE_MAX) {
      ctx.addIssue({ code: 'custom', path: ['title'], message: `at most ${TITLE_MAX} characters` });
    }
    if (body.length > BODY_MAX) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `at most ${BODY_MAX} characters` });
    }
    if (title === '' && body === '') {
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'a report needs a non-empty title or body' });
    }
    const createdAt = v.createdAt ?? v.created_at;
    return {
      source: v.source ?? 'manual',
      externalId: v.externalId ?? v.external_id,
      title,
      body,
      url: v.url,
      author: v.author,
      createdAt: createdAt === undefined ? undefined : new Date(createdAt).toISOString(),
      status: v.status ?? 'open',
      metadata: v.metadata ?? {},
    };
  });
export type FeedbackInput = z.input<typeof FeedbackInput>;

/** `PUT /feedback/{id}`: the editable fields; at least one must be given. */
export const FeedbackUpdate = z
  .object({
    title: text(TITLE_MAX * 4).optional(),
    body: text(BODY_MAX * 2).optional(),
    metadata: MetadataInput.optional(),
    status: FeedbackStatus.optional(),
  })
  .refine(
    (v) => Object.values(v).some((x) => x !== undefined),
    'give at least one of title, body, metadata, status',
  )
  .transform((v, ctx) => {
    const out: { title?: string; body?: string; metadata?: Metadata; status?: FeedbackStatus } = {};
    if (v.title !== undefined) out.title = v.title.trim();
    if (v.body !== undefined) out.body = v.body.trim();
    if (out.title !== undefined && out.title.length > TITLE_MAX) {
      ctx.addIssue({ code: 'custom', path: ['title'], message: `at most ${TITLE_MAX} characters` });
    }
    if (out.body !== undefined && out.body.length > BODY_MAX) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `at most ${BODY_MAX} characters` });
    }
    if (v.metadata !== undefined) out.metadata = v.metadata;
    if (v.status !== undefined) out.status = v.status;
    return out;
  });
export type FeedbackUpdate = z.output<typeof FeedbackUpdate>;

/** The answer of every single-item ingest route: the stored item and whether it already existed. */
export const IngestResult = FeedbackItem.extend({ duplicate: z.boolean() }).meta({ id: 'IngestResult' });
export type IngestResult = z.infer<typeof IngestResult>;

export const ImportRowResult = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'duplicate', 'rejected']),
  id: z.string().optional(),
  /** Stored past the plan's monthly limit (see `FeedbackItem.held`). */
  held: z.boolean().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

/** `POST /feedback/import`: a per-row report. */
export const ImportResult = z
  .object({
    created: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(ImportRowResult),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;

export const IMPORT_MAX_ITEMS = 10_000;

const BoolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const FeedbackListQuery = z.object({
  source: FeedbackSource.optional(),
  clustered: BoolString.optional(),
  status: FeedbackStatus.optional(),
  held: BoolString.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type FeedbackListQuery = z.output<typeof FeedbackListQuery>;
