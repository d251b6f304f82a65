import type { FeedbackItem, FeedbackStatus, NewFeedback } from '@fixloop/contracts';

/** Flattens a report into hash field/value pairs; absent optional fields are not written. */
export function encodeFeedback(item: FeedbackItem): string[] {
  const out = [
    'id',
    item.id,
    'projectId',
    item.projectId,
    'source',
    item.source,
    'title',
    item.title,
    'body',
    item.body,
    'createdAt',
    item.createdAt,
    'ingestedAt',
    item.ingestedAt,
    'status',
    item.status,
    'metadata',
    JSON.stringify(item.metadata),
  ];
  if (item.externalId !== undefined) out.push('externalId', item.externalId);
  if (item.url !== undefined) out.push('url', item.url);
  if (item.author !== undefined) out.push('author', item.author);
  if (item.clusterId !== undefined) out.push('clusterId', item.clusterId);
  return out;
}

/** Reads a report back from its hash (as HGETALL returns it: an object or a flat array). */
export function decodeFeedback(h: Record<string, string> | string[]): FeedbackItem | null {
  const f = Array.isArray(h) ? pairs(h) : h;
  if (f.id === undefined) return null;
  let metadata: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(f.metadata ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      metadata = parsed as Record<string, unknown>;
  } catch {
    metadata = {};
  }
  const item: FeedbackItem = {
    id: f.id,
    projectId: f.projectId ?? '',
    source: f.source ?? 'manual',
    title: f.title ?? '',
    body: f.body ?? '',
    createdAt: f.createdAt ?? f.ingestedAt ?? '',
    ingestedAt: f.ingestedAt ?? '',
    status: (f.status === 'closed' ? 'closed' : 'open') satisfies FeedbackStatus,
    metadata,
  };
  if (f.externalId !== undefined) item.externalId = f.externalId;
  if (f.url !== undefined) item.url = f.url;
  if (f.author !== undefined) item.author = f.author;
  if (f.clusterId !== undefined && f.clusterId !== '') item.clusterId = f.clusterId;
  if (f.held === '1') item.held = true;
  return item;
}

function pairs(flat: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[flat[i] as string] = flat[i + 1] as string;
  return o;
}

/** Gives a normalized report its id, project and ingestion time. */
export function materialize(projectId: string, id: string, input: NewFeedback, now: Date): FeedbackItem {
  const ingestedAt = now.toISOString();
  const item: FeedbackItem = {
    id,
    projectId,
    source: input.source,
    title: input.title,
    body: input.body,
    createdAt: input.createdAt ?? ingestedAt,
    ingestedAt,
    status: input.status,
    metadata: input.metadata,
  };
  if (input.externalId !== undefined) item.externalId = input.externalId;
  if (input.url !== undefined) item.url = input.url;
  if (input.author !== undefined) item.author = input.author;
  return item;
}
