// @vitest-environment jsdom
import type { FeedbackItem } from '@fixloop/contracts';
import { screen, waitFor, within } from '@testing-library/react';
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
import { FeedbackPage } from './feedback-page';

cleanupAfterEach();

function makeItem(id: string, title: string, overrides: Partial<FeedbackItem> = {}): FeedbackItem {
  return {
    id,
    projectId: 'acme',
    source: 'manual',
    title,
    body: `Body of ${title}`,
    createdAt: '2026-01-10T00:00:00.000Z',
    ingestedAt: '2026-01-10T00:00:00.000Z',
    status: 'open',
    clusterId: 'c1',
    metadata: {},
    ...overrides,
  };
}

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A feedback server: lists answer from `items` until `holdLists` is set, after which they never
 * answer, so whatever the table shows then comes from the cache alone (optimism and rollback).
 */
function stubServer(items: FeedbackItem[], write: (call: RecordedCall) => Promise<StubResponse>) {
  const state = { items, holdLists: false };
  const calls = stubFetch((call) => {
    if (call.method === 'GET') {
      if (state.holdLists) return new Promise<StubResponse>(() => {});
      return { body: { items: state.items } };
    }
    return write(call);
  });
  return { calls, state };
}

/** The report titles in the table, top to bottom (the first cell holds the title, then the id). */
const rowTitles = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]?.firstChild?.textContent);

const editForm = () => within(screen.getByRole('form', { name: 'Edit report' }));

describe('FeedbackPage: editing a report', () => {
  it('shows the edit at once, then the saved report, and puts focus back on Edit', async () => {
    const answer = deferred<StubResponse>();
    const saved = makeItem('f1', 'Pay button dead', { status: 'closed', clusterId: undefined });
    const server = stubServer([makeItem('f1', 'Checkout broken'), makeItem('f2', 'Dark mode resets')], () =>
      answer.promise.then((response) => {
        server.state.items = [saved, ...server.state.items.slice(1)];
        return response;
      }),
    );
    const { calls } = server;
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Checkout broken' }));

    const form = screen.getByRole('form', { name: 'Edit report' });
    const title = within(form).getByLabelText('Title');
    expect(document.activeElement).toBe(title);
    expect(within(form).getByText(/sends the report back to clustering/)).toBeTruthy();
    await userEvent.clear(title);
    await userEvent.type(title, ' Pay button dead ');
    await userEvent.selectOptions(within(form).getByLabelText('Status'), 'closed');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));

    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.url.pathname).toBe('/projects/acme/feedback/f1');
    expect(put?.body).toEqual({ title: 'Pay button dead', status: 'closed' });
    // Optimistic: the table shows the edit while the server has not answered.
    const row = screen.getByRole('button', { name: 'Edit Pay button dead' }).closest('tr') as HTMLElement;
    expect(within(row).getByText('closed')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit Pay button dead' }));

    answer.resolve({ body: saved });
    expect(await screen.findByText('Report saved.')).toBeTruthy();
    await waitFor(() => expect(within(row).getByText('waiting')).toBeTruthy());
  });

  it('rolls the row back and says why when the server refuses (422)', async () => {
    const answer = deferred<StubResponse>();
    const server = stubServer(
      [makeItem('f1', 'Checkout broken'), makeItem('f2', 'Dark mode resets')],
      () => answer.promise,
    );
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Checkout broken' }));
    server.state.holdLists = true;
    await userEvent.type(editForm().getByLabelText('Title'), ' on Safari');
    const body = editForm().getByLabelText('Details');
    await userEvent.clear(body);
    await userEvent.type(body, 'New details');
    await userEvent.click(editForm().getByRole('button', { name: 'Save' }));

    expect(server.calls.find((c) => c.method === 'PUT')?.body).toEqual({
      title: 'Checkout broken on Safari',
      body: 'New details',
    });
    expect(rowTitles()).toEqual(['Checkout broken on Safari', 'Dark mode resets']);

    answer.resolve(
      apiError(422, 'validation_failed', 'bad', {
        issues: [{ path: 'body', message: 'at most 200000 characters' }],
      }),
    );
    expect(
      await screen.findByText('Not saved: body: at most 200000 characters. The report is back as it was.'),
    ).toBeTruthy();
    // The refetch never answers: the old title and body are back from the rollback alone.
    expect(rowTitles()).toEqual(['Checkout broken', 'Dark mode resets']);
    await userEvent.click(screen.getByRole('button', { name: 'Edit Checkout broken' }));
    expect((editForm().getByLabelText('Details') as HTMLTextAreaElement).value).toBe(
      'Body of Checkout broken',
    );
  });

  it('rolls back on a 500 too, leaving the other rows alone', async () => {
    const server = stubServer(
      [makeItem('f1', 'Checkout broken'), makeItem('f2', 'Dark mode resets')],
      async () => apiError(500, 'internal', 'Something went wrong on our side.'),
    );
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Dark mode resets' }));
    server.state.holdLists = true;
    await userEvent.type(editForm().getByLabelText('Title'), ' again');
    await userEvent.click(editForm().getByRole('button', { name: 'Save' }));

    expect(
      await screen.findByText('Not saved: Something went wrong on our side. The report is back as it was.'),
    ).toBeTruthy();
    expect(rowTitles()).toEqual(['Checkout broken', 'Dark mode resets']);
  });

  it('Escape and Cancel close the form without a request and focus Edit again', async () => {
    const { calls } = stubServer([makeItem('f1', 'Checkout broken')], async () => ({ status: 500 }));
    renderWithProviders(<FeedbackPage />);
    const edit = await screen.findByRole('button', { name: 'Edit Checkout broken' });

    await userEvent.click(edit);
    await userEvent.type(editForm().getByLabelText('Title'), ' changed{Escape}');
    expect(screen.queryByRole('form', { name: 'Edit report' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit Checkout broken' }));

    await userEvent.keyboard('{Enter}');
    expect((editForm().getByLabelText('Title') as HTMLInputElement).value).toBe('Checkout broken');
    await userEvent.click(editForm().getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit Checkout broken' }));

    // Saving with no change closes the form without asking the server.
    await userEvent.keyboard('{Enter}');
    await userEvent.click(editForm().getByRole('button', { name: 'Save' }));
    expect(screen.queryByRole('form', { name: 'Edit report' })).toBeNull();
    expect(calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('asks for a title or details instead of sending an empty report', async () => {
    const { calls } = stubServer([makeItem('f1', 'Checkout broken')], async () => ({ status: 500 }));
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Checkout broken' }));
    await userEvent.clear(editForm().getByLabelText('Title'));
    await userEvent.clear(editForm().getByLabelText('Details'));
    await userEvent.click(editForm().getByRole('button', { name: 'Save' }));
    expect(editForm().getByRole('alert').textContent).toBe('A report needs a title or some details.');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });
});

describe('FeedbackPage: deleting a report', () => {
  it('asks first, removes the row at once, and focuses the next row', async () => {
    const answer = deferred<StubResponse>();
    const server = stubServer(
      [makeItem('f1', 'Checkout broken'), makeItem('f2', 'Dark mode resets'), makeItem('f3', 'Login loops')],
      () => answer.promise,
    );
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Dark mode resets' }));

    const question = screen.getByRole('group', { name: 'Delete “Dark mode resets”? This cannot be undone.' });
    expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Keep' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: /Delete “Dark mode resets”/ })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete Dark mode resets' }));
    expect(server.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

    await userEvent.keyboard('{Enter}');
    await userEvent.click(screen.getByRole('button', { name: 'Delete report' }));
    expect(server.calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/projects/acme/feedback/f2');
    expect(rowTitles()).toEqual(['Checkout broken', 'Login loops']);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit Login loops' }));

    server.state.items = server.state.items.filter((i) => i.id !== 'f2');
    answer.resolve({ status: 204 });
    expect(await screen.findByText('Deleted “Dark mode resets”.')).toBeTruthy();
    expect(rowTitles()).toEqual(['Checkout broken', 'Login loops']);
  });

  it('puts the row back in its place when the server refuses', async () => {
    const answer = deferred<StubResponse>();
    const server = stubServer(
      [makeItem('f1', 'Checkout broken'), makeItem('f2', 'Dark mode resets'), makeItem('f3', 'Login loops')],
      () => answer.promise,
    );
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Dark mode resets' }));
    server.state.holdLists = true;
    await userEvent.click(screen.getByRole('button', { name: 'Delete report' }));
    expect(rowTitles()).toEqual(['Checkout broken', 'Login loops']);

    answer.resolve(apiError(500, 'internal', 'Something went wrong on our side.'));
    expect(
      await screen.findByText(
        'Not deleted: Something went wrong on our side. The report is back in the list.',
      ),
    ).toBeTruthy();
    expect(rowTitles()).toEqual(['Checkout broken', 'Dark mode resets', 'Login loops']);
  });

  it('takes a 404 as already deleted, without putting the row back', async () => {
    const server = stubServer([makeItem('f1', 'Checkout broken')], async () =>
      apiError(404, 'not_found', 'feedback f1 not found'),
    );
    renderWithProviders(<FeedbackPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Checkout broken' }));
    server.state.holdLists = true;
    await userEvent.click(screen.getByRole('button', { name: 'Delete report' }));
    expect(await screen.findByText('“Checkout broken” was already deleted.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit Checkout broken' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Feedback list' }));
  });
});

describe('FeedbackPage: held reports', () => {
  it('marks a report held past the plan limit, and only that one', async () => {
    stubServer(
      [makeItem('f1', 'Checkout broken', { held: true }), makeItem('f2', 'Dark mode resets')],
      async () => ({
        status: 500,
      }),
    );
    renderWithProviders(<FeedbackPage />);
    const held = (await screen.findByRole('button', { name: 'Edit Checkout broken' })).closest(
      'tr',
    ) as HTMLElement;
    const other = screen.getByRole('button', { name: 'Edit Dark mode resets' }).closest('tr') as HTMLElement;
    expect(within(held).getByText('held').getAttribute('title')).toMatch(/plan limit/);
    expect(within(other).queryByText('held')).toBeNull();
  });
});
