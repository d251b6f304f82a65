import type { Readable } from 'node:stream';
import { FeedbackInput, IMPORT_MAX_ITEMS } from '@fixloop/contracts';
import { DomainError, type ImportRow } from '@fixloop/domain';
import { parseJson } from '../content-types.js';

const tooMany = () =>
  new DomainError('payload_too_large', `an import holds at most ${IMPORT_MAX_ITEMS} reports`, {
    maxItems: IMPORT_MAX_ITEMS,
  });

/** Validates one row of an import; a bad row becomes a rejection with its reason, never an exception. */
export function toRow(value: unknown): ImportRow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: { code: 'validation_failed', message: 'each row must be a JSON object' } };
  }
  const parsed = FeedbackInput.safeParse(value);
  if (parsed.success) return { ok: true, item: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  return {
    ok: false,
    error: {
      code: 'validation_failed',
      message: first ? `${first.path || '(row)'}: ${first.message}` : 'invalid row',
      details: { issues },
    },
  };
}

/**
 * Reads the rows of `POST /feedback/import`. A JSON body arrives parsed (array or `{items}`);
 * an NDJSON body arrives as a stream and is split and parsed line by line as it comes, bounded by
 * the byte and row limits. Nothing is written before the whole body was read and checked.
 */
export async function readImportRows(body: unknown, byteLimit: number): Promise<ImportRow[]> {
  if (isStream(body)) return readNdjson(body, byteLimit);
  if (body === undefined) {
    throw new DomainError('validation_failed', 'body: an array of reports is required', {
      issues: [{ path: 'body', message: 'required' }],
    });
  }
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)
      ? ((body as { items: unknown[] }).items as unknown[])
      : undefined;
  if (!list) {
    throw new DomainError('validation_failed', `body: expected an array of reports or {"items": [...]}`, {
      issues: [{ path: 'body', message: 'expected an array' }],
    });
  }
  if (list.length > IMPORT_MAX_ITEMS) throw tooMany();
  return list.map(toRow);
}

function isStream(v: unknown): v is Readable {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Readable).pipe === 'function' &&
    typeof (v as Readable).on === 'function'
  );
}

async function readNdjson(stream: Readable, byteLimit: number): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  let bytes = 0;
  let pending = '';
  const decoder = new TextDecoder('utf-8');
  const take = (line: string) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    if (rows.length >= IMPORT_MAX_ITEMS) throw tooMany();
    try {
      rows.push(toRow(parseJson(trimmed)));
    } catch {
      rows.push({ ok: false, error: { code: 'invalid_json', message: 'line is not valid JSON' } });
    }
  };
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      if (bytes > byteLimit) {
        throw new DomainError('payload_too_large', 'request body is larger than this route accepts', {
          limit: byteLimit,
        });
      }
      pending += decoder.decode(buf, { stream: true });
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
        take(pending.slice(start, nl));
        start = nl + 1;
      }
      pending = pending.slice(start);
    }
  } catch (err) {
    stream.resume();
    if (err instanceof DomainError) throw err;
    throw new DomainError('bad_request', 'the request body could not be read');
  }
  take(pending + decoder.decode());
  return rows;
}
