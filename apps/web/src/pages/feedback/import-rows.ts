/* The rows of an import file, as the parsers produce them and the import report shows them. */

/** One report as it is sent to `POST /feedback/import`: a `FeedbackInput`-shaped object. */
export type ImportItem = Record<string, unknown>;

export type ImportFormat = 'json' | 'ndjson' | 'csv';

/** A report read from the file, with its place in the file as a person counts it (1-based). */
export interface FileRow {
  row: number;
  item: ImportItem;
}

/** A row that is not imported, with the reason: unreadable in the browser, or refused by the server. */
export interface RowProblem {
  row: number;
  reason: string;
  /** A glimpse of the row (its title, or the start of the raw text) so it can be found. */
  preview: string;
}

export interface ParsedFile {
  format: ImportFormat;
  /** How `row` counts: lines of the file (CSV, NDJSON) or items of a JSON array. */
  rowLabel: 'Line' | 'Item';
  rows: FileRow[];
  /** Rows the browser could not read; they are never sent. */
  problems: RowProblem[];
}

export type ParseOutcome = { ok: true; file: ParsedFile } | { ok: false; error: string };

/** More rows than this in one file is refused before anything is sent. */
export const MAX_FILE_ROWS = 100_000;
/** Bigger files are refused before they are read. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface ParseLimits {
  maxRows: number;
}

const PREVIEW_CHARS = 80;

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function previewText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/** What a person would recognise a report by: its title, else its body, else its external id. */
export function previewItem(item: ImportItem): string {
  for (const key of ['title', 'body', 'raw_text', 'externalId', 'external_id']) {
    const value = item[key];
    if (typeof value === 'string' && value.trim() !== '') return previewText(value);
  }
  return '';
}

export function tooManyRows(maxRows: number): string {
  return `The file has more than ${formatCount(maxRows)} rows. Split it into smaller files.`;
}
