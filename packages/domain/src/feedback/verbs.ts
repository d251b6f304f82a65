import type {
  FeedbackItem,
  FeedbackListQuery,
  FeedbackUpdate,
  ImportResult,
  ImportRowResult,
  NewFeedback,
} from '@fixloop/contracts';
import { notFound, validationFailed } from '../errors.js';
import type { FeedbackPage, FeedbackStore, Logger, UpsertOutcome } from '../ports.js';

export interface FeedbackDeps {
  feedback: FeedbackStore;
  log: Logger;
  /** Called after new or changed items were marked unclustered (clustering scheduling hooks in here). */
  onUnclustered?: (projectId: string) => Promise<void>;
  /** Takes a deleted report out of its cluster (sizes, vectors and counts stay right). */
  leaveCluster?: (projectId: string, feedbackId: string) => Promise<void>;
}

export interface IngestOutcome {
  item: FeedbackItem;
  duplicate: boolean;
}

/** Stores one normalized report, idempotent on `(source, externalId)`; logs each new item once. */
export async function ingestFeedback(
  deps: FeedbackDeps,
  projectId: string,
  input: NewFeedback,
): Promise<IngestOutcome> {
  const { item, outcome } = await deps.feedback.addFeedbackItem(projectId, input);
  if (outcome === 'created') {
    deps.log.info({ feedbackId: item.id, source: item.source, projectId }, 'feedback ingested');
    if (item.status === 'open') await deps.onUnclustered?.(projectId);
  }
  return { item, duplicate: outcome === 'duplicate' };
}

/** Creates or refreshes a report from a synced source (GitHub issues, Sentry issues). */
export async function upsertFeedback(
  deps: FeedbackDeps,
  projectId: string,
  input: NewFeedback & { externalId: string },
): Promise<{ item: FeedbackItem; outcome: UpsertOutcome }> {
  const result = await deps.feedback.upsert(projectId, input);
  if (result.outcome === 'created') {
    deps.log.info({ feedbackId: result.item.id, source: result.item.source, projectId }, 'feedback ingested');
  }
  if (result.outcome !== 'unchanged' && result.item.status === 'open') await deps.onUnclustered?.(projectId);
  return result;
}

/** A row of a bulk import: a normalized item, or the reason it was refused. */
export type ImportRow =
  | { ok: true; item: NewFeedback }
  | { ok: false; error: NonNullable<ImportRowResult['error']> };

/** Stores the valid rows of a bulk import in one pipelined round trip and reports on every row. */
export async function importFeedback(
  deps: FeedbackDeps,
  projectId: string,
  rows: ImportRow[],
): Promise<ImportResult> {
  const valid: NewFeedback[] = [];
  const validIndex: number[] = [];
  rows.forEach((row, index) => {
    if (row.ok) {
      valid.push(row.item);
      validIndex.push(index);
    }
  });
  const stored = valid.length > 0 ? await deps.feedback.addFeedbackItems(projectId, valid) : [];
  const results: ImportRowResult[] = rows.map((row, index) =>
    row.ok ? { index, status: 'created' } : { index, status: 'rejected', error: row.error },
  );
  let created = 0;
  let duplicates = 0;
  stored.forEach((s, i) => {
    const index = validIndex[i] as number;
    const item = valid[i] as NewFeedback;
    results[index] = { index, status: s.outcome, id: s.id };
    if (s.outcome === 'created') {
      created++;
      deps.log.info({ feedbackId: s.id, source: item.source, projectId }, 'feedback ingested');
    } else duplicates++;
  });
  if (created > 0) await deps.onUnclustered?.(projectId);
  return { created, duplicates, rejected: rows.length - valid.length, results };
}

export async function getFeedback(deps: FeedbackDeps, projectId: string, id: string): Promise<FeedbackItem> {
  const item = await deps.feedback.get(projectId, id);
  if (!item) throw notFound('feedback', id);
  return item;
}

export function listFeedback(
  deps: FeedbackDeps,
  projectId: string,
  query: FeedbackListQuery,
): Promise<FeedbackPage> {
  return deps.feedback.list(projectId, query);
}

/** Edits a report; a text change sends an open report back to clustering. */
export async function updateFeedback(
  deps: FeedbackDeps,
  projectId: string,
  id: string,
  patch: FeedbackUpdate,
): Promise<FeedbackItem> {
  const current = await getFeedback(deps, projectId, id);
  const title = patch.title ?? current.title;
  const body = patch.body ?? current.body;
  if (title === '' && body === '')
    throw validationFailed('title', 'a report needs a non-empty title or body');
  const updated = await deps.feedback.update(projectId, id, patch);
  if (!updated) throw notFound('feedback', id);
  const textChanged = title !== current.title || body !== current.body;
  const reopened = current.status === 'closed' && updated.status === 'open';
  if ((textChanged || reopened) && updated.status === 'open') await deps.onUnclustered?.(projectId);
  return updated;
}

export async function deleteFeedback(deps: FeedbackDeps, projectId: string, id: string): Promise<void> {
  const item = await getFeedback(deps, projectId, id);
  if (item.clusterId !== undefined) await deps.leaveCluster?.(projectId, id);
  if (!(await deps.feedback.delete(projectId, id))) throw notFound('feedback', id);
  deps.log.info({ feedbackId: id, projectId }, 'feedback deleted');
}
