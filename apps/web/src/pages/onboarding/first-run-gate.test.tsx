// @vitest-environment jsdom
import type { Project } from '@fixloop/contracts';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { App } from '../../app';
import { type RecordedCall, renderWithProviders, stubFetch, testSession } from '../../testing/render';

beforeEach(() => {
  window.localStorage.setItem('fixloop.signedIn', '1');
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

function Where() {
  return <output aria-label="Location">{useLocation().pathname}</output>;
}

const where = () => screen.getByRole('status', { name: 'Location' }).textContent;

const project: Project = {
  id: 'acme',
  name: 'Acme',
  createdAt: '2026-01-01T00:00:00.000Z',
  secrets: { githubToken: false, sentryWebhookSecret: false, githubWebhookSecret: false },
};

/** A project whose report count is `state.total`; `POST /feedback` and the import add to it. */
function stubProject(state: { total: number; down?: boolean }): RecordedCall[] {
  return stubFetch((call) => {
    const route = `${call.method} ${call.url.pathname}`;
    if (state.down && route === 'GET /projects/acme/overview') {
      return { status: 503, body: { error: { code: 'unavailable', message: 'Try again.' } } };
    }
    switch (route) {
      case 'GET /auth/me':
        return { body: testSession };
      case 'GET /projects/acme':
        return { body: project };
      case 'GET /projects/acme/overview':
        return { body: { total: state.total, unclustered: state.total } };
      case 'GET /projects/acme/clustering/status':
        return { body: { pendingCount: 0, isClustering: false } };
      case 'GET /projects/acme/clusters':
      case 'GET /projects/acme/feedback':
        return { body: { items: [] } };
      case 'POST /projects/acme/feedback':
        state.total += 1;
        return { status: 201, body: { id: 'f1', created: true } };
      default:
        return { status: 404, body: { error: { code: 'not_found', message: `no stub for ${route}` } } };
    }
  });
}

const overviewCalls = (calls: RecordedCall[]) =>
  calls.filter((c) => c.url.pathname === '/projects/acme/overview');

function renderApp(route: string) {
  return renderWithProviders(
    <>
      <App />
      <Where />
    </>,
    { route },
  );
}

const nav = (name: string) => screen.getByRole('link', { name });

describe('FirstRunGate', () => {
  // The test client never considers an answer stale, like the app's within its 15 s: only the gate's
  // own fresh fetch can tell it that reports arrived.
  it('does not send the project back to /welcome after a report was added by hand', async () => {
    const state = { total: 0 };
    const calls = stubProject(state);
    renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Set up Acme' });
    expect(where()).toBe('/welcome');

    await userEvent.click(nav('Feedback'));
    await userEvent.type(await screen.findByLabelText('Title'), 'Checkout fails on Safari');
    await userEvent.click(screen.getByRole('button', { name: 'Add report' }));
    await screen.findByText('Report added. It is clustered in a moment.');
    expect(state.total).toBe(1);

    const before = overviewCalls(calls).length;
    await userEvent.click(nav('Clusters'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    expect(overviewCalls(calls).length).toBe(before + 1);
    expect(window.localStorage.getItem('fixloop.setup.acme')).toBe('finished');
  });

  it('waits for a fresh count after an import invalidated the cached zero', async () => {
    const state = { total: 0 };
    stubProject(state);
    const { queryClient } = renderApp('/feedback');
    queryClient.setQueryData(queryKeys.overview('acme'), { total: 0, unclustered: 0 });
    await screen.findByRole('heading', { level: 1, name: 'Feedback' });

    // what the import's refresh does once its last batch is in
    state.total = 3;
    await queryClient.invalidateQueries({ queryKey: queryKeys.overview('acme') });
    await userEvent.click(nav('Clusters'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
  });

  it('still sends a project that has no report to /welcome after the fresh check', async () => {
    const calls = stubProject({ total: 0 });
    const { queryClient } = renderApp('/feedback');
    queryClient.setQueryData(queryKeys.overview('acme'), { total: 0, unclustered: 0 });
    await screen.findByRole('heading', { level: 1, name: 'Feedback' });

    await userEvent.click(nav('Clusters'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Set up Acme' })).toBeTruthy();
    expect(where()).toBe('/welcome');
    expect(overviewCalls(calls)).toHaveLength(1);
  });

  it('opens the page when the fresh check fails, asking only once', async () => {
    const calls = stubProject({ total: 0, down: true });
    const { queryClient } = renderApp('/feedback');
    queryClient.setQueryData(queryKeys.overview('acme'), { total: 0, unclustered: 0 });
    await screen.findByRole('heading', { level: 1, name: 'Feedback' });

    await userEvent.click(nav('Clusters'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    expect(overviewCalls(calls)).toHaveLength(1);
  });

  it('never redirects a project once it has been seen with reports', async () => {
    const state = { total: 4 };
    stubProject(state);
    renderApp('/clusters');
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    await waitFor(() => expect(window.localStorage.getItem('fixloop.setup.acme')).toBe('finished'));
    cleanup();

    // every report deleted since: the project stays past first run
    state.total = 0;
    const calls = stubProject(state);
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    expect(overviewCalls(calls)).toHaveLength(0);
  });
});
