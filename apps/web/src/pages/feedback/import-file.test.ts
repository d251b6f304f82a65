import { describe, expect, it } from 'vitest';
import { formatOf, parseImportFile } from './import-file';
import type { ParsedFile } from './import-rows';

function parsed(name: string, text: string, maxRows = 100_000): ParsedFile {
  const outcome = parseImportFile(name, text, { maxRows });
  if (!outcome.ok) throw new Error(`expected a parsed file, got: ${outcome.error}`);
  return outcome.file;
}

function failure(name: string, text: string, maxRows = 100_000): string {
  const outcome = parseImportFile(name, text, { maxRows });
  if (outcome.ok) throw new Error('expected a whole-file error');
  return outcome.error;
}

describe('JSON import', () => {
  it('numbers the items of an array from 1 and reports the ones that are not objects', () => {
    const file = parsed('reports.json', '[{"title":"a"}, 3, {"body":"b","metadata":{"k":1}}, null, ["x"]]');
    expect(file.format).toBe('json');
    expect(file.rowLabel).toBe('Item');
    expect(file.rows).toEqual([
      { row: 1, item: { title: 'a' } },
      { row: 3, item: { body: 'b', metadata: { k: 1 } } },
    ]);
    expect(file.problems).toEqual([
      { row: 2, reason: 'not a JSON object', preview: '3' },
      { row: 4, reason: 'not a JSON object', preview: 'null' },
      { row: 5, reason: 'not a JSON object', preview: '["x"]' },
    ]);
  });

  it('reads {items: [...]} and a byte-order mark', () => {
    const file = parsed('export.json', '\uFEFF{"items": [{"title": "a", "external_id": "e1"}]}');
    expect(file.rows).toEqual([{ row: 1, item: { title: 'a', external_id: 'e1' } }]);
  });

  it('refuses what is not a list of reports', () => {
    expect(failure('x.json', '{"title": "a"')).toBe(
      'The file is not valid JSON. For one report per line, name it .ndjson or .jsonl.',
    );
    expect(failure('x.json', '{"title": "a"}')).toBe(
      'A JSON file must hold an array of reports, or an object with an "items" array.',
    );
    expect(failure('x.json', '[]')).toBe('The file holds no reports.');
    expect(failure('x.json', '[1, 2]')).toBe('No item of this file is a JSON object.');
    expect(failure('x.json', '')).toBe('The file is empty.');
    expect(failure('x.json', '[{}, {}, {}]', 2)).toBe(
      'The file has more than 2 rows. Split it into smaller files.',
    );
  });

  it('reads a .json file of one object per line as NDJSON', () => {
    const file = parsed('export.json', '{"title":"a"}\n{"title":"b"}\n');
    expect(file.format).toBe('ndjson');
    expect(file.rows.map((r) => r.row)).toEqual([1, 2]);
  });
});

describe('NDJSON import', () => {
  it('numbers rows by line, skipping blank lines, and reports bad lines without sending them', () => {
    const text = [
      '{"title": "first"}',
      '',
      '   ',
      '{"title": "broken"',
      '["not an object"]',
      '{"body": "last", "created_at": "2026-01-12T08:00:00Z"}',
      '',
    ].join('\r\n');
    const file = parsed('feedback.ndjson', text);
    expect(file.format).toBe('ndjson');
    expect(file.rowLabel).toBe('Line');
    expect(file.rows).toEqual([
      { row: 1, item: { title: 'first' } },
      { row: 6, item: { body: 'last', created_at: '2026-01-12T08:00:00Z' } },
    ]);
    expect(file.problems).toEqual([
      { row: 4, reason: 'not valid JSON', preview: '{"title": "broken"' },
      { row: 5, reason: 'not a JSON object', preview: '["not an object"]' },
    ]);
  });

  it('treats .jsonl the same way', () => {
    expect(parsed('x.jsonl', '\n{"title":"a"}').rows).toEqual([{ row: 2, item: { title: 'a' } }]);
  });

  it('refuses a file with no object line, and more lines than the limit', () => {
    expect(failure('x.ndjson', 'title,body\na,b\n')).toBe(
      'No line of this file is a JSON object: NDJSON needs one report object per line.',
    );
    expect(failure('x.ndjson', '{}\n\n{}\nnope\n', 2)).toBe(
      'The file has more than 2 rows. Split it into smaller files.',
    );
  });
});

describe('formatOf', () => {
  it('goes by the extension, else by the first character', () => {
    expect(formatOf('a.CSV', '[')).toBe('csv');
    expect(formatOf('a.jsonl', '[')).toBe('ndjson');
    expect(formatOf('a.json', 'title')).toBe('json');
    expect(formatOf('export', '  [{"title":"a"}]')).toBe('json');
    expect(formatOf('export', '{"title":"a"}\n{"title":"b"}')).toBe('ndjson');
    expect(formatOf('export', '{"items":[]}')).toBe('json');
    expect(formatOf('export.txt', 'title,body\n')).toBe('csv');
  });
});
