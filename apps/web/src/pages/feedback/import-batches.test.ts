import type { ImportResult } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import {
  addBatchResult,
  planBatches,
  problemsToShow,
  runImport,
  type SendBatch,
  startTally,
} from './import-batches';
import type { FileRow, ImportItem, ParsedFile } from './import-rows';

const rowsAt = (...lines: number[]): FileRow[] =>
  lines.map((row) => ({ row, item: { title: `line ${row}` } }));

describe('planBatches', () => {
  it('cuts the rows into batches of at most maxRows, in file order', () => {
    const batches = planBatches(rowsAt(2, 3, 5, 6, 9), { maxRows: 2, maxChars: 1_000_000 });
    expect(batches.map((b) => b.map((r) => r.row))).toEqual([[2, 3], [5, 6], [9]]);
  });

  it('also cuts by size, sending a single oversized row on its own', () => {
    const rows: FileRow[] = [
      { row: 1, item: { title: 'a' } },
      { row: 2, item: { title: 'x'.repeat(100) } },
      { row: 3, item: { title: 'b' } },
      { row: 4, item: { title: 'c' } },
    ];
    const batches = planBatches(rows, { maxRows: 10, maxChars: 40 });
    expect(batches.map((b) => b.map((r) => r.row))).toEqual([[1], [2], [3, 4]]);
  });

  it('plans nothing for no rows', () => {
    expect(planBatches([])).toEqual([]);
  });
});

describe('the import tally', () => {
  const file: ParsedFile = {
    format: 'csv',
    rowLabel: 'Line',
    rows: rowsAt(2, 3, 4, 7, 8),
    problems: [{ row: 5, reason: 'not valid JSON', preview: '{' }],
  };

  it('maps the server index of each batch back to the file rows', () => {
    const [first = [], second = []] = planBatches(file.rows, { maxRows: 3, maxChars: 1_000_000 });
    let tally = startTally(file);
    tally = addBatchResult(tally, first, {
      created: 1,
      duplicates: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'created', id: 'a' },
        { index: 1, status: 'rejected', error: { code: 'validation_failed', message: 'url: Invalid URL' } },
        { index: 2, status: 'duplicate', id: 'b' },
      ],
    });
    tally = addBatchResult(tally, second, {
      created: 1,
      duplicates: 0,
      rejected: 1,
      results: [
        { index: 0, status: 'created', id: 'c' },
        { index: 1, status: 'rejected', error: { code: 'validation_failed', message: '' } },
      ],
    });
    expect(tally).toMatchObject({ sent: 5, created: 2, duplicates: 1, rejected: 2, unreadable: 1 });
    expect(problemsToShow(tally.problems, 10)).toEqual({
      shown: [
        { row: 3, reason: 'url: Invalid URL', preview: 'line 3' },
        { row: 5, reason: 'not valid JSON', preview: '{' },
        { row: 8, reason: 'validation_failed', preview: 'line 8' },
      ],
      more: 0,
    });
  });

  it('shows the first problems in file order and counts the rest', () => {
    const problems = [9, 1, 5, 3].map((row) => ({ row, reason: 'r', preview: '' }));
    const { shown, more } = problemsToShow(problems, 2);
    expect(shown.map((p) => p.row)).toEqual([1, 3]);
    expect(more).toBe(2);
  });
});

function answer(items: ImportItem[]): ImportResult {
  return {
    created: items.length,
    duplicates: 0,
    rejected: 0,
    results: items.map((_, index) => ({ index, status: 'created' as const, id: `id${index}` })),
  };
}

describe('runImport', () => {
  const batches = planBatches(rowsAt(1, 2, 3, 4, 5), { maxRows: 2, maxChars: 1_000_000 });

  it('sends the batches in order and reports each answer', async () => {
    const sent: unknown[][] = [];
    const seen: number[] = [];
    const send: SendBatch = async (items) => {
      sent.push(items);
      return answer(items);
    };
    const end = await runImport({
      batches,
      send,
      signal: new AbortController().signal,
      onBatch: (i) => seen.push(i),
    });
    expect(end).toEqual({ kind: 'done' });
    expect(sent).toEqual([
      [{ title: 'line 1' }, { title: 'line 2' }],
      [{ title: 'line 3' }, { title: 'line 4' }],
      [{ title: 'line 5' }],
    ]);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('stops at a failed request, and can start again from it', async () => {
    const error = new Error('boom');
    const sent: number[] = [];
    const failing: SendBatch = async (items) => {
      sent.push(items.length);
      if (sent.length === 2) throw error;
      return answer(items);
    };
    const signal = new AbortController().signal;
    expect(await runImport({ batches, send: failing, signal, onBatch: () => {} })).toEqual({
      kind: 'failed',
      batch: 1,
      error,
    });
    expect(sent).toEqual([2, 2]);
    const resumed: number[] = [];
    await runImport({
      batches,
      from: 1,
      send: async (items) => answer(items),
      signal,
      onBatch: (i) => resumed.push(i),
    });
    expect(resumed).toEqual([1, 2]);
  });

  it('stops sending once cancelled; the batch that was answered is still reported', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const send: SendBatch = async (items) => {
      controller.abort();
      return answer(items);
    };
    const end = await runImport({ batches, send, signal: controller.signal, onBatch: (i) => seen.push(i) });
    expect(end).toEqual({ kind: 'cancelled' });
    expect(seen).toEqual([0]);
  });

  it('calls an aborted request cancelled, not failed', async () => {
    const controller = new AbortController();
    const send: SendBatch = async () => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    };
    expect(await runImport({ batches, send, signal: controller.signal, onBatch: () => {} })).toEqual({
      kind: 'cancelled',
    });
  });
});
