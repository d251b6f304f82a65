import Papa from 'papaparse';
import {
  type FileRow,
  type ImportItem,
  type ParseLimits,
  type ParseOutcome,
  previewText,
  type RowProblem,
  tooManyRows,
} from './import-rows';

/** CSV columns that map to a report field (matched ignoring case, spaces, `_` and `-`). */
const FIELDS: Record<string, string> = {
  title: 'title',
  body: 'body',
  source: 'source',
  externalid: 'externalId',
  url: 'url',
  author: 'author',
  createdat: 'createdAt',
  status: 'status',
};

const DELIMITERS = [',', ';', '\t', '|'];

const normalize = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

/**
 * The delimiter that occurs most in the header line outside quotes (a comma when none does).
 * Papa Parse's own guess is thrown off by multi-line cells and trailing blank lines.
 */
export function guessDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && DELIMITERS.includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

const LINE_BREAK = /\r\n|\n|\r/g;

function countLineBreaks(text: string, from: number, to: number): number {
  return text.slice(from, to).match(LINE_BREAK)?.length ?? 0;
}

interface Header {
  /** Per column: the report field it fills, or the metadata key it goes under. */
  columns: Array<{ field: string } | { meta: string }>;
}

function readHeader(cells: string[]): Header | { error: string } {
  const seen = new Set<string>();
  const columns: Header['columns'] = [];
  for (const [i, cell] of cells.entries()) {
    const name = cell.trim();
    const key = normalize(name) || `column ${i + 1}`;
    if (seen.has(key)) return { error: `The CSV header row names the column “${name}” twice.` };
    seen.add(key);
    const field = FIELDS[key];
    columns.push(field ? { field } : { meta: name || `column ${i + 1}` });
  }
  if (!seen.has('title') && !seen.has('body')) {
    const found = cells.map((c) => c.trim()).filter((c) => c !== '');
    return {
      error: `A CSV file needs a header row with a “title” or “body” column. The first row has: ${
        found.length > 0 ? found.join(', ') : 'nothing'
      }.`,
    };
  }
  return { columns };
}

/** A data row as a report: known columns become fields, others metadata (strings); empty cells are left out. */
function mapRow(header: Header, cells: string[]): ImportItem {
  const item: ImportItem = {};
  const metadata: Record<string, string> = {};
  for (const [i, column] of header.columns.entries()) {
    const value = (cells[i] ?? '').trim();
    if (value === '') continue;
    if ('field' in column) item[column.field] = column.field === 'status' ? value.toLowerCase() : value;
    else metadata[column.meta] = value;
  }
  if (Object.keys(metadata).length > 0) item.metadata = metadata;
  return item;
}

/** Why a row with quote errors is not sent; an unclosed quote swallows every later line. */
function quoteProblem(codes: string[]): string | undefined {
  const swallowed = codes.includes('MissingQuotes') ? ', so the rest of the file is read as one cell' : '';
  if (codes.includes('InvalidQuotes')) return `a quoted cell has text after its closing quote${swallowed}`;
  if (swallowed) return `a quoted cell is never closed${swallowed}`;
  return undefined;
}

/**
 * Reads CSV with a header row. Each row is numbered by the line of the file it starts on (the
 * header being line 1), counting the line breaks inside quoted cells as an editor would.
 */
export function parseCsv(text: string, limits: ParseLimits): ParseOutcome {
  const rows: FileRow[] = [];
  const problems: RowProblem[] = [];
  let header: Header | undefined;
  let failure: string | undefined;
  let rowStart = 0;
  let line = 1;

  Papa.parse<string[]>(text, {
    delimiter: guessDelimiter(text),
    skipEmptyLines: false,
    step: (result, parser) => {
      const cells = result.data;
      const end = result.meta.cursor;
      const rowLine = line;
      line += countLineBreaks(text, rowStart, end);
      const raw = text.slice(rowStart, end);
      rowStart = end;
      if (cells.every((c) => c.trim() === '')) return;
      if (header === undefined) {
        const read = readHeader(cells);
        if ('error' in read) {
          failure = read.error;
          parser.abort();
        } else header = read;
        return;
      }
      if (rows.length + problems.length >= limits.maxRows) {
        failure = tooManyRows(limits.maxRows);
        parser.abort();
        return;
      }
      const quoteError = quoteProblem(result.errors.map((e) => e.code));
      const extra = cells.slice(header.columns.length).filter((c) => c.trim() !== '').length;
      if (quoteError !== undefined) {
        problems.push({ row: rowLine, reason: quoteError, preview: previewText(raw) });
      } else if (extra > 0) {
        problems.push({
          row: rowLine,
          reason: `${cells.length} cells, but the header has ${header.columns.length} columns`,
          preview: previewText(raw),
        });
      } else {
        rows.push({ row: rowLine, item: mapRow(header, cells) });
      }
    },
  });

  if (failure !== undefined) return { ok: false, error: failure };
  if (header === undefined) return { ok: false, error: 'The file is empty.' };
  if (rows.length + problems.length === 0) {
    return { ok: false, error: 'The file has a header row but no reports under it.' };
  }
  return { ok: true, file: { format: 'csv', rowLabel: 'Line', rows, problems } };
}
