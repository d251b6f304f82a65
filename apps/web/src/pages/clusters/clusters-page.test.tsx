// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeCluster } from '../../testing/fixtures';
import { apiError, type RecordedCall, renderWithProviders, stubFetch } from '../../testing/render';
import { ClustersPage } from './clusters-page';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const page1 = {
  items: [
    makeCluster({
      id: 'c1',
      title: 'Safari checkout broken',
      size: 12,
      countsBySource: { github: 7, reddit: 5 },
    }),
    makeCluster({ id: 'c2', title: 'Dark mode resets', size: 4, status: 'triaged' }),
  ],
  nextCursor: 'cursor-2',
};
const page2 = { items: [makeCluster({ id: 'c3', title: 'Export drops a column', size: 2 })] };

function listCalls(calls: RecordedCall[]) {
  return calls.filter((c) => c.url.pathname === '/projects/acme/clusters');
}

function titles(): string[] {
  return within(screen.getByRole('table'))
    .getAllByRole('link')
    .map((a) => a.textContent ?? '');
}

describe('ClustersPage', () => {
  it('lists a page of clusters from the selected project with their facts', async () => {
    const calls = stubFetch(() => ({ body: page1 }));
    renderWithProviders(<ClustersPage />, { route: '/clusters' });

    expect(screen.getByRole('status').textContent).toContain('Loading clusters');
    await screen.findByRole('table');
    expect(titles()).toEqual(['Safari checkout broken', 'Dark mode resets']);
    const row = screen.getByRole('link', { name: 'Safari checkout broken' }).closest('tr');
    if (!row) throw new Error('no row');
    expect(within(row).getByText('12')).toBeTruthy();
    expect(within(row).getByText('github')).toBeTruthy();
    expect(within(row).getByRole('img').getAttribute('aria-label')).toMatch(/^0 reports per day/);
    expect(screen.getByRole('link', { name: 'Safari checkout broken' }).getAttribute('href')).toBe(
      '/clusters/c1',
    );
    expect(within(screen.getByRole('table')).getByText('Triaged')).toBeTruthy();

    const q = listCalls(calls)[0]?.url.searchParams;
    expect(q?.get('sort')).toBe('size');
    expect(q?.get('limit')).toBe('25');
    expect(q?.has('cursor')).toBe(false);
    expect(q?.has('minSize')).toBe(false);
  });

  it('pages forward with the server cursor and back again', async () => {
    const calls = stubFetch(({ url }) => ({
      body: url.searchParams.get('cursor') === 'cursor-2' ? page2 : page1,
    }));
    renderWithProviders(<ClustersPage />, { route: '/clusters' });
    await screen.findByRole('table');
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(titles()).toEqual(['Export drops a column']));
    expect(listCalls(calls).at(-1)?.url.searchParams.get('cursor')).toBe('cursor-2');
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(titles()).toEqual(['Safari checkout broken', 'Dark mode resets']));
    expect(screen.getByText('Page 1')).toBeTruthy();
  });

  it('sorts on the server and starts again from the first page', async () => {
    const calls = stubFetch(({ url }) => ({
      body: url.searchParams.get('cursor') === 'cursor-2' ? page2 : page1,
    }));
    renderWithProviders(<ClustersPage />, { route: '/clusters' });
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 2');

    await userEvent.selectOptions(screen.getByLabelText('Sort by'), 'trend');

    await screen.findByText('Page 1');
    const last = listCalls(calls).at(-1)?.url.searchParams;
    expect(last?.get('sort')).toBe('trend');
    expect(last?.has('cursor')).toBe(false);
    expect(screen.getByRole('table').querySelector('caption')?.textContent).toContain('last 7 days');
  });

  it('filters by status and by a search term', async () => {
    const calls = stubFetch(() => ({ body: page1 }));
    renderWithProviders(<ClustersPage />, { route: '/clusters' });
    await screen.findByRole('table');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'triaged');
    await waitFor(() => expect(listCalls(calls).at(-1)?.url.searchParams.get('status')).toBe('triaged'));

    await userEvent.type(screen.getByLabelText('Search'), 'safari{Enter}');
    await waitFor(() => expect(listCalls(calls).at(-1)?.url.searchParams.get('q')).toBe('safari'));
    expect(listCalls(calls).at(-1)?.url.searchParams.get('status')).toBe('triaged');
  });

  it('lists the outlier queue on its own tab', async () => {
    const calls = stubFetch(() => ({ body: { items: [] } }));
    renderWithProviders(<ClustersPage />, { route: '/clusters' });
    await screen.findByText('No clusters yet.');

    await userEvent.click(screen.getByRole('tab', { name: 'Outliers' }));

    await screen.findByText('No outliers.');
    const q = listCalls(calls).at(-1)?.url.searchParams;
    expect(q?.get('minSize')).toBe('1');
    expect(q?.get('maxSize')).toBe('1');
    expect(screen.getByRole('tab', { name: 'Outliers' }).getAttribute('aria-selected')).toBe('true');
  });

  it('waits for a clustering run instead of saying there are no clusters', async () => {
    let clustering = { pendingCount: 40, isClustering: true };
    stubFetch(({ url }) =>
      url.pathname.endsWith('/clustering/status') ? { body: clustering } : { body: { items: [] } },
    );
    const { queryClient } = renderWithProviders(<ClustersPage />, { route: '/clusters' });

    expect(await screen.findByText(/Clustering 40 reports…/)).toBeTruthy();
    expect(screen.queryByText('No clusters yet.')).toBeNull();

    clustering = { pendingCount: 0, isClustering: false };
    await queryClient.invalidateQueries();
    expect(await screen.findByText('No clusters yet.')).toBeTruthy();
  });

  it('says when filters match nothing and clears them', async () => {
    const calls = stubFetch(({ url }) => ({ body: url.searchParams.has('status') ? { items: [] } : page1 }));
    renderWithProviders(<ClustersPage />, { route: '/clusters?status=fixed' });

    await screen.findByText('No clusters match these filters.');
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));

    await screen.findByRole('table');
    expect(listCalls(calls).at(-1)?.url.searchParams.has('status')).toBe(false);
  });

  it('shows a failed load with a way to retry', async () => {
    let fail = true;
    stubFetch(() =>
      fail ? apiError(503, 'upstream_unavailable', 'Redis is not reachable') : { body: page1 },
    );
    renderWithProviders(<ClustersPage />, { route: '/clusters' });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Redis is not reachable');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table');
  });
});
