import type {
  FeedbackItem,
  FeedbackListQuery,
  FeedbackUpdate,
  ImportResult,
  ImportRowResult,
  NewFeedback,
} from '@fixloop/contracts';
import { feedbackLimitReached } from '../billing/limits.js';
import { DomainError, notFound, validationFailed } from '../errors.js';
import type { FeedbackPage, FeedbackStore, Logger, UpsertOutcome } from '../ports.js';
import type { IngestOutcomeLabel, Telemetry } from '../telemetry.js';

export interface FeedbackDeps {
  feedback: FeedbackStore;
  log: Logger;
  /** Called after new or changed items were marked unclustered (clustering scheduling hooks in here). */
  onUnclustered?: (projectId: string) => Promise<void>;
  /** Takes a deleted report out of its cluster (sizes, vectors and counts stay right). */
  leaveCluster?: (projectId: string, feedbackId: string) => Promise<void>;
  /** Called when reports are held although this month has room again (billing lets them through). */
  onHeldReleasable?: (projectId: string) => Promise<void>;
  /** Counts what each ingest did, by source and outcome; absent: nothing is counted. */
  telemetry?: Telemetry;
}

/** A created report is counted `held` when it was stored past the monthly limit. */
function createdLabel(held: boolean | undefined): IngestOutcomeLabel {
  return held ? 'held' : 'created';
}

/** Counts a report refused past the hard cap (`rate_limited`), then lets the error go on. */
function countRefusal(deps: FeedbackDeps, source: string, err: unknown): never {
  if (err instanceof DomainError && err.code === 'rate_limited')
    deps.telemetry?.feedbackIngested(source, 'rejected');
  throw err;
}

/** Lets held reports through without failing the ingest that noticed them. */
async function releaseIfAllowed(deps: FeedbackDeps, projectId: string, releasable?: boolean): Promise<void> {
  if (!releasable || !deps.onHeldReleasable) return;
  try {
    await deps.onHeldReleasable(projectId);
  } catch (err) {
    deps.log.warn({ projectId, err }, 'could not release held feedback');
  }
}

export interface IngestOutcome {
  item: FeedbackItem;
  duplicate: boolean;
}

/**
 * Stores one normalized report, idempotent on `(source, externalId)`; logs each new item once.
 * Past the plan's monthly limit it is stored `held`; past the hard cap, `rate_limited` (not stored).
 */
export async function ingestFeedback(
  deps: FeedbackDeps,
  projectId: string,
  input: NewFeedback,
): Promise<IngestOutcome> {
  const { item, outcome, releasable } = await deps.feedback
    .addFeedbackItem(projectId, input)
    .catch((err: unknown) => countRefusal(deps, input.source, err));
  deps.telemetry?.feedbackIngested(
    item.source,
    outcome === 'created' ? createdLabel(item.held) : 'duplicate',
  );
  if (outcome === 'created') {
    deps.log.info(
      { feedbackId: item.id, source: item.source, projectId, held: item.held },
      'feedback ingested',
    );
    if (item.status === 'open' && !item.held) await deps.onUnclustered?.(projectId);
    await releaseIfAllowed(deps, projectId, releasable);
  }
  return { item, duplicate: outcome === 'duplicate' };
}

/** Creates or refreshes a report from a synced source (GitHub issues, Sentry issues). */
export async function upsertFeedback(
  deps: FeedbackDeps,
  projectId: string,
  input: NewFeedback & { externalId: string },
): Promise<{ item: FeedbackItem; outcome: UpsertOutcome }> {
  const { releasable, ...result } = await deps.feedback
    .upsert(projectId, input)
    .catch((err: unknown) => countRefusal(deps, input.source, err));
  deps.telemetry?.feedbackIngested(input.source, upsertLabel(result.outcome, result.item.held));
  if (result.outcome === 'created') {
    deps.log.info(
      { feedbackId: result.item.id, source: result.item.source, projectId, held: result.item.held },
      'feedback ingested',
    );
  }
  if (result.outcome !== 'unchanged' && result.item.status === 'open' && !result.item.held)
    await deps.onUnclustered?.(projectId);
  await releaseIfAllowed(deps, projectId, releasable);
  return result;
}

/** A synced report seen again unchanged counts as a duplicate. */
export function upsertLabel(outcome: UpsertOutcome, held: boolean | undefined): IngestOutcomeLabel {
  switch (outcome) {
    case 'created':
      return createdLabel(held);
    case 'updated':
      return 'updated';
    case 'unchanged':
      return 'duplicate';
  }
}

/** A row of a bulk import: a normalized item, or the reason it was refused. */
export type ImportRow =
  | { ok: true; item: NewFeedback }
  | { ok: false; error: NonNullable<ImportRowResult['error']> };

/**
 * Stores the valid rows of a bulk import in one pipelined round trip and reports on every row; rows
 * past the plan's hard cap are rejected (`rate_limited`), the others stored (`held` past the limit).
 */
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
  let rejected = rows.length - valid.length;
  let clusterable = false;
  stored.forEach((s, i) => {
    const index = validIndex[i] as number;
    const item = valid[i] as NewFeedback;
    if (s.outcome === 'rejected') {
      const e = feedbackLimitReached(s.plan, s.limit);
      results[index] = {
        index,
        status: 'rejected',
        error: { code: e.code, message: e.message, details: e.details },
      };
      rejected++;
      deps.telemetry?.feedbackIngested(item.source, 'rejected');
    } else if (s.outcome === 'created') {
      results[index] = s.held
        ? { index, status: 'created', id: s.id, held: true }
        : { index, status: 'created', id: s.id };
      created++;
      if (!s.held) clusterable = true;
      deps.telemetry?.feedbackIngested(item.source, createdLabel(s.held));
      deps.log.info({ feedbackId: s.id, source: item.source, projectId, held: s.held }, 'feedback ingested');
    } else {
      results[index] = { index, status: 'duplicate', id: s.id };
      duplicates++;
      deps.telemetry?.feedbackIngested(item.source, 'duplicate');
    }
  });
  if (clusterable) await deps.onUnclustered?.(projectId);
  return { created, duplicates, rejected, results };
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
