// @vitest-environment jsdom
import type { ClusterDetail } from '@fixloop/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { makeDetail, makeMember } from '../../testing/fixtures';
import {
  apiError,
  cleanupAfterEach,
  type RecordedCall,
  renderWithProviders,
  type StubResponse,
  stubFetch,
} from '../../testing/render';
import { ClusterDetailPage } from './cluster-detail-page';

cleanupAfterEach();

const cluster: ClusterDetail = makeDetail({
  id: 'c1',
  title: 'Safari checkout broken',
  size: 3,
  items: [
    makeMember({
      id: 'f1',
      title: 'Pay does nothing',
      url: 'https://github.com/acme/web/issues/1',
      similarity: 0.92,
    }),
    makeMember({ id: 'f2', title: 'Checkout stuck', source: 'reddit', similarity: 0.81 }),
    makeMember({ id: 'f3', title: 'Dark mode resets', similarity: 0.22, sharedTerms: [] }),
  ],
});

function serve(
  patch: (call: RecordedCall) => StubResponse,
  extra?: (call: RecordedCall) => StubResponse | undefined,
) {
  return stubFetch((call) => {
    const path = call.url.pathname;
    const special = extra?.(call);
    if (special) return special;
    if (path === '/projects/acme/clusters/c1' && call.method === 'PATCH') return patch(call);
    if (path === '/projects/acme/clusters/c1') return { body: cluster };
    if (path === '/projects/acme/clusters/c1/history') return { body: { items: [] } };
    return apiError(404, 'not_found', `no route ${path}`);
  });
}

function renderPage() {
  return renderWithProviders(<ClusterDetailPage />, { route: '/clusters/c1', path: '/clusters/:id' });
}

describe('ClusterDetailPage', () => {
  it('shows the cluster, its reports with their fit, and the coming coding plan', async () => {
    serve(() => ({ body: cluster }));
    renderPage();

    expect(await screen.findByRole('heading', { level: 1, name: 'Safari checkout broken' })).toBeTruthy();
    const original = screen.getByRole('link', { name: /Pay does nothing/ });
    expect(original.getAttribute('href')).toBe('https://github.com/acme/web/issues/1');
    expect(original.getAttribute('rel')).toContain('noopener');
    expect(screen.getByRole('meter', { name: 'Similarity 22% (low)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Generate fix' }).hasAttribute('disabled')).toBe(true);
    expect(await screen.findByText('No changes yet.')).toBeTruthy();
  });

  it('renames at once and keeps the new title when the server agrees', async () => {
    const calls = serve(({ body }) => ({ body: { ...cluster, ...(body as object), titleSource: 'human' } }));
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('Cluster title');
    await userEvent.clear(input);
    await userEvent.type(input, 'Safari: Pay button does nothing{Enter}');

    expect(screen.getByRole('heading', { level: 1, name: 'Safari: Pay button does nothing' })).toBeTruthy();
    expect(await screen.findByText('Cluster renamed.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      title: 'Safari: Pay button does nothing',
    });
  });

  it('rolls a refused status change back and says why', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    stubFetch(async (call) => {
      const path = call.url.pathname;
      if (call.method === 'PATCH') {
        await gate;
        return apiError(409, 'conflict', 'the cluster changed meanwhile');
      }
      if (path.endsWith('/history')) return { body: { items: [] } };
      return { body: cluster };
    });
    renderPage();
    const status = (await screen.findByLabelText('Status')) as HTMLSelectElement;

    await userEvent.selectOptions(status, 'ignored');
    expect(status.value).toBe('ignored');

    release();
    expect(await screen.findByText('Not saved: the cluster changed meanwhile')).toBeTruthy();
    await waitFor(() => expect(status.value).toBe('new'));
  });

  it('splits the selected reports off, and never all of them', async () => {
    const calls = serve(
      () => ({ body: cluster }),
      (call) =>
        call.url.pathname.endsWith('/split')
          ? { status: 201, body: makeDetail({ id: 'c9', title: 'Dark mode resets' }) }
          : undefined,
    );
    renderPage();
    const reports = await screen.findByRole('region', { name: 'Reports' });
    const split = within(reports).getByRole('button', { name: /Split selected/ });
    expect(split.hasAttribute('disabled')).toBe(true);

    for (const name of ['Pay does nothing', 'Checkout stuck', 'Dark mode resets']) {
      await userEvent.click(within(reports).getByRole('checkbox', { name: `Select “${name}”` }));
    }
    expect(split.hasAttribute('disabled')).toBe(true);
    expect(within(reports).getByText('At least one report must stay in this cluster.')).toBeTruthy();

    await userEvent.click(within(reports).getByRole('checkbox', { name: 'Select “Pay does nothing”' }));
    await userEvent.click(within(reports).getByRole('checkbox', { name: 'Select “Checkout stuck”' }));
    await userEvent.click(split);

    expect(await screen.findByText('Split 1 report into “Dark mode resets”.')).toBeTruthy();
    expect(calls.find((c) => c.url.pathname.endsWith('/split'))?.body).toEqual({ feedbackIds: ['f3'] });
    expect(screen.getByRole('link', { name: 'Open the new cluster' }).getAttribute('href')).toBe(
      '/clusters/c9',
    );
  });

  it('explains a move refused because a report is not clustered yet', async () => {
    serve(
      () => ({ body: cluster }),
      (call) =>
        call.url.pathname.endsWith('/move')
          ? apiError(409, 'conflict', 'some reports have not been clustered yet')
          : undefined,
    );
    renderPage();

    await userEvent.type(await screen.findByLabelText('Feedback ids'), 'f7, f8');
    await userEvent.click(screen.getByRole('button', { name: 'Move into this cluster' }));

    expect((await screen.findByRole('alert')).textContent).toContain('not been clustered yet');
  });

  it('says when the cluster is gone', async () => {
    stubFetch(() => apiError(404, 'not_found', 'cluster c1 not found'));
    renderPage();
    expect(await screen.findByText('This cluster does not exist (any more).')).toBeTruthy();
  });
});
