import { parseCsv } from './import-csv';
import {
  type FileRow,
  type ImportFormat,
  type ImportItem,
  MAX_FILE_ROWS,
  type ParseLimits,
  type ParseOutcome,
  previewText,
  type RowProblem,
  tooManyRows,
} from './import-rows';

function isObject(value: unknown): value is ImportItem {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The format named by the file's extension; without a known one, guessed from the first character. */
export function formatOf(fileName: string, text: string): ImportFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return looksLikeNdjson(text) ? 'ndjson' : 'json';
  return 'csv';
}

/** A file of one object per line: the whole text is not one JSON value, but its first line is an object. */
function looksLikeNdjson(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    const firstLine = text.split(/\r\n|\n|\r/).find((line) => line.trim() !== '') ?? '';
    try {
      return isObject(JSON.parse(firstLine));
    } catch {
      return false;
    }
  }
}

/**
 * Reads an import file (JSON array or `{items}`, NDJSON/JSONL, or CSV with a header row) into the
 * reports to send and the rows that cannot be sent, each numbered as the person sees the file.
 * Whole-file problems (empty, not JSON, no title/body column, too many rows) come back as `error`.
 */
export function parseImportFile(
  fileName: string,
  rawText: string,
  limits: ParseLimits = { maxRows: MAX_FILE_ROWS },
): ParseOutcome {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.trim() === '') return { ok: false, error: 'The file is empty.' };
  const format = formatOf(fileName, text);
  if (format === 'csv') return parseCsv(text, limits);
  if (format === 'ndjson') return parseNdjson(text, limits);
  if (looksLikeNdjson(text)) return parseNdjson(text, limits);
  return parseJson(text, limits);
}

function parseJson(text: string, limits: ParseLimits): ParseOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: 'The file is not valid JSON. For one report per line, name it .ndjson or .jsonl.',
    };
  }
  const items = Array.isArray(value) ? value : isObject(value) ? value.items : undefined;
  if (!Array.isArray(items)) {
    return {
      ok: false,
      error: 'A JSON file must hold an array of reports, or an object with an "items" array.',
    };
  }
  if (items.length === 0) return { ok: false, error: 'The file holds no reports.' };
  if (items.length > limits.maxRows) return { ok: false, error: tooManyRows(limits.maxRows) };
  const rows: FileRow[] = [];
  const problems: RowProblem[] = [];
  items.forEach((item: unknown, i) => {
    if (isObject(item)) rows.push({ row: i + 1, item });
    else problems.push({ row: i + 1, reason: 'not a JSON object', preview: previewJson(item) });
  });
  if (rows.length === 0) return { ok: false, error: 'No item of this file is a JSON object.' };
  return { ok: true, file: { format: 'json', rowLabel: 'Item', rows, problems } };
}

function previewJson(value: unknown): string {
  return previewText(JSON.stringify(value) ?? String(value));
}

function parseNdjson(text: string, limits: ParseLimits): ParseOutcome {
  const rows: FileRow[] = [];
  const problems: RowProblem[] = [];
  // JSON strings cannot hold a raw line break, so every line break separates two rows.
  const lines = text.split(/\r\n|\n|\r/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    if (rows.length + problems.length >= limits.maxRows)
      return { ok: false, error: tooManyRows(limits.maxRows) };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ row: i + 1, reason: 'not valid JSON', preview: previewText(line) });
      continue;
    }
    if (isObject(value)) rows.push({ row: i + 1, item: value });
    else problems.push({ row: i + 1, reason: 'not a JSON object', preview: previewText(line) });
  }
  if (rows.length === 0) {
    return {
      ok: false,
      error: 'No line of this file is a JSON object: NDJSON needs one report object per line.',
    };
  }
  return { ok: true, file: { format: 'ndjson', rowLabel: 'Line', rows, problems } };
}
