import { describe, expect, it } from 'vitest';
import { guessDelimiter } from './import-csv';
import { parseImportFile } from './import-file';
import type { ParsedFile } from './import-rows';

function parsed(text: string, name = 'reports.csv', maxRows = 100_000): ParsedFile {
  const outcome = parseImportFile(name, text, { maxRows });
  if (!outcome.ok) throw new Error(`expected a parsed file, got: ${outcome.error}`);
  return outcome.file;
}

function failure(text: string, name = 'reports.csv', maxRows = 100_000): string {
  const outcome = parseImportFile(name, text, { maxRows });
  if (outcome.ok) throw new Error('expected a whole-file error');
  return outcome.error;
}

describe('CSV import', () => {
  it('maps known columns to fields, the rest to string metadata, and leaves empty cells out', () => {
    const file = parsed(
      [
        'Title,body,source,external_id,URL,author,created_at,Status,plan,empty col',
        'Export drops a column,Last one,zendesk,z-1,https://x.test/1,ann,2026-01-02T00:00:00Z,Closed,pro,',
        'Only a title,,,,,,,,,',
      ].join('\n'),
    );
    expect(file.format).toBe('csv');
    expect(file.rowLabel).toBe('Line');
    expect(file.rows).toEqual([
      {
        row: 2,
        item: {
          title: 'Export drops a column',
          body: 'Last one',
          source: 'zendesk',
          externalId: 'z-1',
          url: 'https://x.test/1',
          author: 'ann',
          createdAt: '2026-01-02T00:00:00Z',
          status: 'closed',
          metadata: { plan: 'pro' },
        },
      },
      { row: 3, item: { title: 'Only a title' } },
    ]);
    expect(file.problems).toEqual([]);
  });

  it('accepts camelCase and spaced column names', () => {
    const file = parsed('title,externalId,Created At\nA,e-1,2026-01-01\n');
    expect(file.rows[0]?.item).toEqual({ title: 'A', externalId: 'e-1', createdAt: '2026-01-01' });
  });

  it('keeps commas, doubled quotes and line breaks inside quoted cells, numbering rows by their first line', () => {
    const text = [
      'title,body',
      '"Crash, on save","He said ""boom""',
      'then it closed',
      'again"',
      'Next one,plain',
    ].join('\n');
    const file = parsed(text);
    expect(file.rows).toEqual([
      { row: 2, item: { title: 'Crash, on save', body: 'He said "boom"\nthen it closed\nagain' } },
      { row: 5, item: { title: 'Next one', body: 'plain' } },
    ]);
  });

  it('strips a byte-order mark and reads CRLF line endings', () => {
    const file = parsed('\uFEFFtitle,body\r\nA,"x\r\ny"\r\n\r\nB,z\r\n');
    expect(file.rows).toEqual([
      { row: 2, item: { title: 'A', body: 'x\r\ny' } },
      { row: 5, item: { title: 'B', body: 'z' } },
    ]);
  });

  it('skips blank lines but keeps counting them', () => {
    const file = parsed('title\n\nA\n   \n\nB\n');
    expect(file.rows.map((r) => r.row)).toEqual([3, 6]);
  });

  it('reads semicolon- and tab-separated files', () => {
    expect(parsed('title;body\nA;"1;2"\n').rows[0]?.item).toEqual({ title: 'A', body: '1;2' });
    expect(parsed('title\tbody\nA\tb, c\n').rows[0]?.item).toEqual({ title: 'A', body: 'b, c' });
    expect(guessDelimiter('"a;b",c,d\n')).toBe(',');
    expect(guessDelimiter('title\n')).toBe(',');
  });

  it('reports a row with more cells than the header, and an unclosed quote, without sending them', () => {
    const file = parsed('title,body\nA,b,extra\nB,b,,\nC,"never closed\nD,d\n');
    expect(file.rows).toEqual([{ row: 3, item: { title: 'B', body: 'b' } }]);
    expect(file.problems).toEqual([
      { row: 2, reason: '3 cells, but the header has 2 columns', preview: 'A,b,extra' },
      {
        row: 4,
        reason: 'a quoted cell is never closed, so the rest of the file is read as one cell',
        preview: 'C,"never closed D,d',
      },
    ]);
  });

  it('reports text after a closing quote', () => {
    const outcome = parseImportFile('x.csv', 'title,body\nA,b\nB,"x"y\nC,c\n');
    expect(outcome.ok && outcome.file.rows.map((r) => r.row)).toEqual([2]);
    expect(outcome.ok && outcome.file.problems).toEqual([
      {
        row: 3,
        reason: 'a quoted cell has text after its closing quote, so the rest of the file is read as one cell',
        preview: 'B,"x"y C,c',
      },
    ]);
  });

  it('puts columns without a header name into metadata by position', () => {
    const file = parsed('title,,note\nA,x,y\n');
    expect(file.rows[0]?.item).toEqual({ title: 'A', metadata: { 'column 2': 'x', note: 'y' } });
  });

  it('refuses a file without a title or body column, a repeated column, or no rows', () => {
    expect(failure('name,email\nann,a@x.test\n')).toBe(
      'A CSV file needs a header row with a “title” or “body” column. The first row has: name, email.',
    );
    expect(failure('title,Title\na,b\n')).toBe('The CSV header row names the column “Title” twice.');
    expect(failure('title,body\n\n')).toBe('The file has a header row but no reports under it.');
    expect(failure('\uFEFF \r\n')).toBe('The file is empty.');
  });

  it('refuses more rows than the limit before anything is sent', () => {
    expect(failure('title\na\nb\nc\n', 'x.csv', 2)).toBe(
      'The file has more than 2 rows. Split it into smaller files.',
    );
    expect(parsed('title\na\nb\n', 'x.csv', 2).rows).toHaveLength(2);
  });
});
