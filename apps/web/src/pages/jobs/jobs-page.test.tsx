// @vitest-environment jsdom
import type { AgentJob } from '@fixloop/contracts';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, stubFetch } from '../../testing/render';
import { JobsPage } from './jobs-page';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function makeJob(overrides: Partial<AgentJob> & { id: string }): AgentJob {
  return {
    projectId: 'acme',
    clusterId: 'cluster-0001-abcdef',
    planId: 'p1',
    runner: 'local',
    status: 'succeeded',
    stats: {},
    createdAt: '2026-01-20T10:00:00.000Z',
    ...overrides,
  };
}

const done = makeJob({
  id: 'j1',
  prUrl: 'https://github.com/acme/shop/pull/3',
  stats: { durationMs: 12_000, filesChanged: 4 },
});
const failed = makeJob({ id: 'j2', clusterId: 'c2', status: 'failed', error: 'validation failed' });

function serve() {
  return stubFetch(({ url }) => {
    const path = url.pathname;
    if (path === '/projects/acme/cluster-jobs') return { body: { items: [] } };
    if (path === '/projects/acme/jobs') {
      const status = url.searchParams.get('status');
      if (url.searchParams.get('cursor') === 'next') return { body: { items: [failed] } };
      const items = [done, failed].filter((j) => status === null || j.status === status);
      return { body: status === null ? { items, nextCursor: 'next' } : { items } };
    }
    if (path === '/projects/acme/jobs/j1/logs') {
      return {
        body: {
          items: [
            { id: '1-1', at: done.createdAt, step: 'agent', stream: 'stdout', line: 'patched cart.py' },
          ],
          nextAfter: '1-1',
          done: true,
        },
      };
    }
    return { status: 404, body: { error: { code: 'not_found', message: path } } };
  });
}

describe('JobsPage → Agent jobs', () => {
  it('lists agent jobs with their pull requests, filters, pages and opens a log', async () => {
    const calls = serve();
    renderWithProviders(<JobsPage />, { route: '/jobs' });
    expect(await screen.findByText('No clustering runs yet.')).toBeTruthy();

    await userEvent.click(screen.getByRole('tab', { name: 'Agent jobs' }));
    const table = await screen.findByRole('table', { name: 'Agent jobs, newest first' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(within(first).getByRole('link', { name: 'Cluster cluster-…' }).getAttribute('href')).toBe(
      '/clusters/cluster-0001-abcdef',
    );
    expect(
      within(first)
        .getByRole('link', { name: /Draft pull request #3/ })
        .getAttribute('target'),
    ).toBe('_blank');
    expect(within(first).getByText('12 s')).toBeTruthy();
    expect(within(first).getByText('4')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('validation failed')).toBeTruthy();

    await userEvent.click(within(first).getByRole('button', { name: /^Log/ }));
    expect(await screen.findByText('patched cart.py')).toBeTruthy();
    expect(screen.getByRole('log', { name: 'Log of job j1' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Close log' }));
    expect(screen.queryByRole('log')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(calls.at(-1)?.url.searchParams.get('cursor')).toBe('next');

    await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get('status')).toBe('failed'));
    expect(calls.at(-1)?.url.searchParams.get('cursor')).toBeNull();
    expect(screen.getByText('Page 1')).toBeTruthy();
  });

  it('says when there is no agent job yet', async () => {
    stubFetch(() => ({ body: { items: [] } }));
    renderWithProviders(<JobsPage />, { route: '/jobs?view=agents' });
    expect(await screen.findByText('No agent jobs yet.')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Agent jobs' }).getAttribute('aria-selected')).toBe('true');
  });
});
