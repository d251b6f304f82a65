// @vitest-environment jsdom
import type { ImportResult } from '@fixloop/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  apiError,
  cleanupAfterEach,
  type RecordedCall,
  renderWithProviders,
  type StubResponse,
  stubFetch,
} from '../../testing/render';
import { ImportPanel } from './import-panel';

cleanupAfterEach();

/** Answers every import POST only when the test says so, in order; GETs never come here. */
function heldImports() {
  const pending: Array<{ call: RecordedCall; answer: (r: StubResponse) => void }> = [];
  const calls = stubFetch(
    (call) =>
      new Promise<StubResponse>((resolve, reject) => {
        call.init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        pending.push({ call, answer: resolve });
      }),
  );
  async function answer(result: StubResponse) {
    const next = pending.shift();
    if (!next) throw new Error('no request is waiting');
    next.answer(result);
  }
  return { calls, answer, waiting: () => pending.length };
}

const ok = (n: number): ImportResult => ({
  created: n,
  duplicates: 0,
  rejected: 0,
  results: Array.from({ length: n }, (_, index) => ({ index, status: 'created', id: `id-${index}` })),
});

async function upload(name: string, text: string) {
  await userEvent.upload(screen.getByLabelText('File of reports'), new File([text], name));
}

const count = (label: string) => screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;

const problemRows = () =>
  within(screen.getByRole('table', { name: 'Rows not imported' }))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );

const CSV = [
  'title,body,external_id,plan',
  'Crash on save,"It crashes',
  'every time",e-1,pro',
  'Slow search,,e-2,',
  'Bad row,x,e-3,free,extra',
  '',
  'Login loops,,e-4,',
  'Export,,e-5,',
  'Dark mode,,e-6,',
].join('\r\n');

describe('ImportPanel', () => {
  it('sends the file in ordered batches with progress, then lists the rows not imported by file line', async () => {
    const server = heldImports();
    const { queryClient } = renderWithProviders(
      <ImportPanel batchLimits={{ maxRows: 2, maxChars: 1_000_000 }} />,
    );
    queryClient.setQueryData(['project', 'acme', 'feedback', {}], { items: [] });
    queryClient.setQueryData(['project', 'acme', 'overview'], {});

    await upload('reports.csv', CSV);
    expect(
      await screen.findByText(
        'reports.csv: CSV, 5 reports to import. 1 row cannot be read and will not be sent.',
      ),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Import 5 reports' }));

    const progress = () => screen.getByRole('progressbar') as HTMLProgressElement;
    expect(screen.getByRole('progressbar', { name: 'Imported 0 of 5 rows' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel import' }));
    expect(server.calls.map((c) => c.body)).toEqual([
      [
        {
          title: 'Crash on save',
          body: 'It crashes\r\nevery time',
          externalId: 'e-1',
          metadata: { plan: 'pro' },
        },
        { title: 'Slow search', externalId: 'e-2' },
      ],
    ]);
    expect(server.calls[0]?.url.pathname).toBe('/projects/acme/feedback/import');

    await server.answer({ body: ok(2) });
    expect(await screen.findByRole('progressbar', { name: 'Imported 2 of 5 rows' })).toBeTruthy();
    expect(progress().value).toBe(2);
    expect(progress().max).toBe(5);
    expect(server.calls[1]?.body).toEqual([
      { title: 'Login loops', externalId: 'e-4' },
      { title: 'Export', externalId: 'e-5' },
    ]);

    await server.answer({
      body: {
        created: 1,
        duplicates: 0,
        rejected: 1,
        results: [
          { index: 0, status: 'created', id: 'a' },
          { index: 1, status: 'rejected', error: { code: 'validation_failed', message: 'url: Invalid URL' } },
        ],
      },
    });
    expect(await screen.findByRole('progressbar', { name: 'Imported 4 of 5 rows' })).toBeTruthy();
    expect(server.calls[2]?.body).toEqual([{ title: 'Dark mode', externalId: 'e-6' }]);
    await server.answer({
      body: { created: 0, duplicates: 1, rejected: 0, results: [{ index: 0, status: 'duplicate', id: 'x' }] },
    });

    const heading = await screen.findByRole('heading', { name: 'Import finished' });
    expect(document.activeElement).toBe(heading);
    expect(server.calls).toHaveLength(3);
    expect([count('Created'), count('Duplicates'), count('Rejected'), count('Unreadable, not sent')]).toEqual(
      ['3', '1', '1', '1'],
    );
    expect(problemRows()).toEqual([
      ['5', 'Bad row,x,e-3,free,extra', '5 cells, but the header has 4 columns'],
      ['8', 'Export', 'url: Invalid URL'],
    ]);
    expect(queryClient.getQueryState(['project', 'acme', 'feedback', {}])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['project', 'acme', 'overview'])?.isInvalidated).toBe(true);
  });

  it('cancels: the request in flight is aborted and nothing after it is sent', async () => {
    const server = heldImports();
    renderWithProviders(<ImportPanel batchLimits={{ maxRows: 2, maxChars: 1_000_000 }} />);
    await upload('reports.csv', CSV);
    await userEvent.click(await screen.findByRole('button', { name: 'Import 5 reports' }));
    await server.answer({ body: ok(2) });
    await screen.findByRole('progressbar', { name: 'Imported 2 of 5 rows' });

    await userEvent.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(await screen.findByRole('heading', { name: 'Import cancelled' })).toBeTruthy();
    expect(screen.getByText(/Cancelled after 2 of 5 rows\. Rows already sent stay imported/)).toBeTruthy();
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]?.init?.signal?.aborted).toBe(true);
    expect(count('Created')).toBe('2');
  });

  it('stops at a failed batch and can go on from it, numbering JSON rows by item', async () => {
    const server = heldImports();
    renderWithProviders(<ImportPanel batchLimits={{ maxRows: 1, maxChars: 1_000_000 }} />);
    await upload('export.json', '{"items": [{"title": "a"}, "oops", {"title": "b"}, {"title": "c"}]}');
    await userEvent.click(await screen.findByRole('button', { name: 'Import 3 reports' }));
    await server.answer({ body: ok(1) });
    await screen.findByRole('progressbar', { name: 'Imported 1 of 3 rows' });
    await server.answer(apiError(503, 'upstream_unavailable', 'The store is not reachable.'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The batch from item 3 on failed: The store is not reachable.');
    expect(server.calls).toHaveLength(2);
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again from item 3' }));
    expect(server.calls[2]?.body).toEqual([{ title: 'b' }]);
    await server.answer({ body: ok(1) });
    await screen.findByRole('progressbar', { name: 'Imported 2 of 3 rows' });
    expect(server.calls[3]?.body).toEqual([{ title: 'c' }]);
    await server.answer({ body: ok(1) });

    expect(await screen.findByRole('heading', { name: 'Import finished' })).toBeTruthy();
    expect(count('Created')).toBe('3');
    expect(screen.getByRole('columnheader', { name: 'Item' })).toBeTruthy();
    expect(problemRows()).toEqual([['2', '"oops"', 'not a JSON object']]);
  });

  it('refuses a whole file with a clear message before anything is sent', async () => {
    const server = heldImports();
    renderWithProviders(<ImportPanel maxRows={2} />);
    await upload('people.csv', 'name,email\nann,a@x.test\n');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'people.csv: A CSV file needs a header row with a “title” or “body” column. The first row has: name, email. Nothing was sent.',
    );
    expect(screen.getByLabelText('File of reports').getAttribute('aria-invalid')).toBe('true');

    await upload('big.ndjson', '{"title":"a"}\n{"title":"b"}\n{"title":"c"}\n');
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The file has more than 2 rows. Split it into smaller files.',
    );
    await upload('empty.json', '\uFEFF  \n');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'empty.json: The file is empty. Nothing was sent.',
    );
    expect(screen.queryByRole('button', { name: /^Import/ })).toBeNull();
    expect(server.calls).toHaveLength(0);
  });

  it('lists at most 200 problem rows but counts them all', async () => {
    const server = heldImports();
    renderWithProviders(<ImportPanel />);
    const lines = Array.from({ length: 260 }, (_, i) => `{"title": "broken ${i}"`);
    await upload('feedback.ndjson', ['{"title": "fine"}', ...lines].join('\n'));
    await userEvent.click(await screen.findByRole('button', { name: 'Import 1 report' }));
    await server.answer({ body: ok(1) });

    expect(await screen.findByRole('heading', { name: 'Import finished' })).toBeTruthy();
    expect(count('Unreadable, not sent')).toBe('260');
    const rows = problemRows();
    expect(rows).toHaveLength(200);
    expect(rows[0]).toEqual(['2', '{"title": "broken 0"', 'not valid JSON']);
    expect(rows[199]?.[0]).toBe('201');
    expect(screen.getByText('And 60 more rows not imported, not listed here.')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Import another file' }));
    expect(screen.queryByRole('heading', { name: 'Import finished' })).toBeNull();
    expect((screen.getByLabelText('File of reports') as HTMLInputElement).files).toHaveLength(0);
  });
});
