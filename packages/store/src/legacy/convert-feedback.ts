import {
  BODY_MAX,
  EXTERNAL_ID_MAX,
  type FeedbackItem,
  FeedbackSource,
  type FeedbackStatus,
  TITLE_MAX,
} from '@fixloop/contracts';
import {
  httpUrl,
  isPlainObject,
  parseJson,
  parseLegacyTime,
  statusWord,
  withoutNul,
} from './legacy-values.js';
import type { Conversion } from './report.js';

/** Legacy fields that become fields of today's report. */
const MAPPED = new Set([
  'id',
  'source',
  'external_id',
  'externalId',
  'title',
  'body',
  'raw_text',
  'metadata',
  'created_at',
  'createdAt',
  'status',
  'url',
  'author',
]);
/** Legacy fields deliberately not carried: a Gemini vector, a cluster (the cluster's items set says), a project. */
const DROPPED = new Set(['embedding', 'cluster_id', 'clusterId', 'project_id', 'projectId']);
const CLOSED = new Set(['closed', 'resolved', 'done']);
const AUTHOR_MAX = 256;

export interface FeedbackContext {
  projectId: string;
  /** The score of the id in the legacy `feedback:created` index, if any (a timestamp). */
  createdScore: string | null;
  /** The migration time: `ingestedAt`, and `createdAt` when nothing else tells. */
  now: Date;
}

/**
 * A legacy `feedback:{id}` hash as today's report, keeping its id. `raw_text` becomes the body when
 * there is none; fields today's schema does not have are kept in `metadata.legacyFields`.
 */
export function convertFeedback(
  id: string,
  h: Record<string, string>,
  ctx: FeedbackContext,
): Conversion<FeedbackItem> {
  const notes: string[] = [];
  if (h.id !== undefined && h.id !== id)
    notes.push("the hash's id field differs from its key: the key's id was kept");
  const text = (field: string): string => {
    const { text: t, changed } = withoutNul(h[field] ?? '');
    if (changed) notes.push(`NUL characters removed from ${field}`);
    return t.trim();
  };
  const rawSource = (h.source ?? '').trim();
  const source = rawSource === '' ? 'manual' : rawSource.toLowerCase();
  if (rawSource === '') notes.push('no source: stored as manual');
  if (!FeedbackSource.safeParse(source).success) {
    return { ok: false, reason: `source "${h.source}" is not a valid source name (^[a-z][a-z0-9_-]{0,31}$)` };
  }
  let title = text('title');
  let body = text('body');
  const rawText = text('raw_text');
  // The seed derived raw_text from title and body; only a raw_text that says more is kept aside.
  const rawSaysMore = rawText !== '' && body !== '' && !squash(rawText).includes(squash(body));
  if (body === '') body = rawText;
  if (title === '' && body === '') return { ok: false, reason: 'no title, body or raw_text' };
  if (title.length > TITLE_MAX) {
    title = title.slice(0, TITLE_MAX);
    notes.push(`title cut to ${TITLE_MAX} characters`);
  }
  if (body.length > BODY_MAX) {
    body = body.slice(0, BODY_MAX);
    notes.push(`body cut to ${BODY_MAX} characters`);
  }

  const metadata = metadataOf(h.metadata, notes);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (!MAPPED.has(k) && !DROPPED.has(k)) extra[k] = v;
  }
  if (rawSaysMore) extra.raw_text = h.raw_text as string;

  const createdAt = createdAtOf(h, ctx, notes);
  const item: FeedbackItem = {
    id,
    projectId: ctx.projectId,
    source,
    title,
    body,
    createdAt,
    ingestedAt: ctx.now.toISOString(),
    status: statusOf(h.status, notes),
    metadata,
  };
  const ext = externalIdOf(source, h.external_id ?? h.externalId);
  if (ext !== undefined && ext.length > EXTERNAL_ID_MAX) {
    extra.external_id = ext;
    notes.push(`external id longer than ${EXTERNAL_ID_MAX} characters: kept in metadata.legacyFields`);
  } else if (ext !== undefined) item.externalId = ext;

  const url = httpUrl(h.url) ?? httpUrl(stringIn(metadata, 'html_url')) ?? httpUrl(stringIn(metadata, 'url'));
  if (url !== undefined) item.url = url;
  else if (h.url !== undefined && h.url.trim() !== '') {
    extra.url = h.url;
    notes.push('url is not an http(s) URL: kept in metadata.legacyFields');
  }
  const author = (h.author ?? stringIn(metadata, 'author') ?? '').trim();
  if (author !== '') item.author = author.slice(0, AUTHOR_MAX);

  if (Object.keys(extra).length > 0) {
    item.metadata = { ...metadata, legacyFields: extra };
    notes.push(`fields without a place in today's schema kept in metadata.legacyFields`);
  }
  return { ok: true, value: item, notes };
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function createdAtOf(h: Record<string, string>, ctx: FeedbackContext, notes: string[]): string {
  const raw = h.created_at ?? h.createdAt;
  const own = parseLegacyTime(raw);
  if (own !== undefined) return own;
  const indexed = parseLegacyTime(ctx.createdScore);
  if (raw !== undefined && raw.trim() !== '') notes.push('created_at unreadable');
  if (indexed !== undefined) {
    notes.push('created_at taken from the feedback:created index');
    return indexed;
  }
  notes.push('no usable created_at: the migration time is used');
  return ctx.now.toISOString();
}

function statusOf(raw: string | undefined, notes: string[]): FeedbackStatus {
  const s = statusWord(raw);
  if (CLOSED.has(s)) return 'closed';
  if (s !== '' && s !== 'open' && s !== 'new') notes.push(`status "${raw}" read as open`);
  return 'open';
}

/** The external id as today's sources write it: Reddit without `t3_`, GitHub's `owner/repo#n` lowercased. */
function externalIdOf(source: string, raw: string | undefined): string | undefined {
  const s = withoutNul(raw ?? '').text.trim();
  if (s === '') return undefined;
  if (source === 'reddit' && s.startsWith('t3_')) return s.slice(3);
  if (source === 'github' && /^[^/#\s]+\/[^/#\s]+#\d+$/.test(s)) return s.toLowerCase();
  return s;
}

function metadataOf(raw: string | undefined, notes: string[]): Record<string, unknown> {
  if (raw === undefined || raw.trim() === '') return {};
  const parsed = parseJson(raw);
  if (parsed === undefined) {
    notes.push('metadata is not JSON: kept as text in metadata.legacyMetadata');
    return { legacyMetadata: raw };
  }
  if (isPlainObject(parsed.value)) return parsed.value;
  if (parsed.value === null) return {};
  notes.push('metadata is not a JSON object: kept in metadata.legacyMetadata');
  return { legacyMetadata: parsed.value };
}

function stringIn(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}
