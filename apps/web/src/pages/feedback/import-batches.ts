import type { ImportResult } from '@fixloop/contracts';
import { type FileRow, type ImportItem, type ParsedFile, previewItem, type RowProblem } from './import-rows';

export interface BatchLimits {
  /** Rows per request; the server takes at most 10,000. */
  maxRows: number;
  /** Characters of JSON per request, well under the server's body limit; one bigger row goes alone. */
  maxChars: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRows: 500, maxChars: 4_000_000 };

/** Splits the rows, in file order, into the requests that send them. */
export function planBatches(rows: FileRow[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): FileRow[][] {
  const batches: FileRow[][] = [];
  let current: FileRow[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = JSON.stringify(row.item).length + 1;
    if (current.length > 0 && (current.length >= limits.maxRows || chars + size > limits.maxChars)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(row);
    chars += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The running count of an import; `problems` holds every row not imported, in no particular order. */
export interface ImportTally {
  /** Rows sent so far (each answered by the server). */
  sent: number;
  created: number;
  duplicates: number;
  /** Refused by the server. */
  rejected: number;
  /** Unreadable in the browser, never sent. */
  unreadable: number;
  problems: RowProblem[];
}

export function startTally(file: ParsedFile): ImportTally {
  return {
    sent: 0,
    created: 0,
    duplicates: 0,
    rejected: 0,
    unreadable: file.problems.length,
    problems: [...file.problems],
  };
}

function reasonOf(error: ImportResult['results'][number]['error']): string {
  if (!error) return 'rejected by the server';
  return error.message || error.code;
}

/**
 * Adds the server's answer for `batch`: its counts, and its rejected rows under their file row
 * numbers (the server's `index` is the position within the batch).
 */
export function addBatchResult(tally: ImportTally, batch: FileRow[], result: ImportResult): ImportTally {
  const problems = [...tally.problems];
  for (const r of result.results) {
    if (r.status !== 'rejected') continue;
    const row = batch[r.index];
    if (row) problems.push({ row: row.row, reason: reasonOf(r.error), preview: previewItem(row.item) });
  }
  return {
    ...tally,
    sent: tally.sent + batch.length,
    created: tally.created + result.created,
    duplicates: tally.duplicates + result.duplicates,
    rejected: tally.rejected + result.rejected,
    problems,
  };
}

/** The first `cap` problem rows in file order, and how many more there are. */
export function problemsToShow(problems: RowProblem[], cap: number): { shown: RowProblem[]; more: number } {
  const sorted = [...problems].sort((a, b) => a.row - b.row);
  return { shown: sorted.slice(0, cap), more: Math.max(0, sorted.length - cap) };
}

export type SendBatch = (items: ImportItem[], signal: AbortSignal) => Promise<ImportResult>;

export type RunEnd =
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; batch: number; error: unknown };

/**
 * Sends `batches[from..]` one after the other, in order, reporting each answer. Stops at the first
 * failed request (nothing after it is sent) or when `signal` aborts.
 */
export async function runImport(options: {
  batches: FileRow[][];
  from?: number;
  send: SendBatch;
  signal: AbortSignal;
  onBatch: (index: number, result: ImportResult) => void;
}): Promise<RunEnd> {
  const { batches, send, signal, onBatch } = options;
  for (let i = options.from ?? 0; i < batches.length; i++) {
    if (signal.aborted) return { kind: 'cancelled' };
    const batch = batches[i] ?? [];
    let result: ImportResult;
    try {
      result = await send(
        batch.map((r) => r.item),
        signal,
      );
    } catch (error) {
      if (signal.aborted) return { kind: 'cancelled' };
      return { kind: 'failed', batch: i, error };
    }
    onBatch(i, result);
  }
  return { kind: 'done' };
}
