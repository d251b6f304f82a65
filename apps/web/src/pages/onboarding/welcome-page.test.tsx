// @vitest-environment jsdom
import type { Cluster, ClusteringStatus, ClusterJob, Project, RepositoryCheck } from '@fixloop/contracts';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { App } from '../../app';
import { makeCluster } from '../../testing/fixtures';
import {
  type RecordedCall,
  renderWithProviders,
  type StubResponse,
  stubFetch,
  testSession,
} from '../../testing/render';

beforeEach(() => {
  server.clustering = { pendingCount: 0, isClustering: false };
  server.clusters = [];
  // The app asks /auth/me only when this browser may hold a session.
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

const check: RepositoryCheck = {
  fullName: 'acme/web',
  defaultBranch: 'main',
  private: false,
  htmlUrl: 'https://github.com/acme/web',
  openIssues: 3,
  canPush: true,
  tokenSource: 'request',
};

/** What the stubbed server's clustering has done so far. */
const server: { clustering: ClusteringStatus; clusters: Cluster[] } = {
  clustering: { pendingCount: 0, isClustering: false },
  clusters: [],
};

/** The API of a project with `total` reports; `extra` answers a route first. */
function stubApi(total: number, extra: (call: RecordedCall) => StubResponse | undefined = () => undefined) {
  let project: Project = {
    id: 'acme',
    name: 'Acme',
    createdAt: '2026-01-01T00:00:00.000Z',
    secrets: { githubToken: false, sentryWebhookSecret: false, githubWebhookSecret: false },
  };
  return stubFetch((call) => {
    const answer = extra(call);
    if (answer) return answer;
    const route = `${call.method} ${call.url.pathname}`;
    switch (route) {
      case 'GET /auth/me':
        return { body: testSession };
      case 'GET /projects/acme':
        return { body: project };
      case 'PATCH /projects/acme':
        project = { ...project, ...(call.body as { name: string }) };
        return { body: project };
      case 'GET /projects/acme/overview':
        return { body: { total, unclustered: 0 } };
      case 'GET /projects/acme/clustering/status':
        return { body: server.clustering };
      case 'GET /projects/acme/clusters':
        return { body: { items: server.clusters } };
      case 'POST /projects/acme/feedback/sample':
        server.clustering = { pendingCount: 40, isClustering: true };
        return { body: { created: 40, duplicates: 0, rejected: 0, results: [] } };
      default:
        return { status: 404, body: { error: { code: 'not_found', message: `no stub for ${route}` } } };
    }
  });
}

function renderApp(route: string) {
  return renderWithProviders(
    <>
      <App />
      <Where />
    </>,
    { route },
  );
}

const listCalls = (calls: RecordedCall[]) =>
  calls.filter((c) => c.url.pathname === '/projects/acme/clusters');

describe('first-run setup', () => {
  it('sends a project without reports from the clusters page to /welcome, without rendering it first', async () => {
    const calls = stubApi(0);
    renderApp('/clusters');

    expect(await screen.findByRole('heading', { level: 1, name: 'Set up Acme' })).toBeTruthy();
    expect(where()).toBe('/welcome');
    expect(listCalls(calls)).toHaveLength(0);
    expect(
      screen.getByRole('list', { name: 'Setup steps' }).querySelector('[aria-current="step"]')?.textContent,
    ).toContain('Name');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Step 1 of 3: Name the project'));
  });

  it('leads the app index there too, but no other page', async () => {
    stubApi(0);
    renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Set up Acme' });
    cleanup();

    stubApi(0);
    renderApp('/jobs');
    await waitFor(() => expect(where()).toBe('/jobs'));
    expect(screen.queryByRole('heading', { level: 1, name: /Set up/ })).toBeNull();
  });

  it('shows the clusters of a project that has reports', async () => {
    const calls = stubApi(12);
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    expect(listCalls(calls).length).toBeGreaterThan(0);
  });

  it('remembers "Skip setup" for the project', async () => {
    stubApi(0);
    renderApp('/clusters');
    await userEvent.click(await screen.findByRole('button', { name: 'Skip setup' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    cleanup();

    const calls = stubApi(0);
    renderApp('/clusters');
    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(calls.some((c) => c.url.pathname === '/projects/acme/overview')).toBe(false);
  });

  it('loads the sample reports and waits on the clusters page while they are clustered', async () => {
    const calls = stubApi(0);
    const { queryClient } = renderApp('/welcome');

    await userEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Skip this step' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Load sample reports' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    expect(where()).toBe('/clusters');
    expect(await screen.findByText(/Clustering 40 reports…/)).toBeTruthy();
    expect(screen.getByText('40 sample reports loaded. Clustering them now.')).toBeTruthy();
    const writes = calls.filter((c) => c.method !== 'GET');
    // the name was not changed, so not sent again
    expect(writes.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'POST /projects/acme/feedback/sample',
    ]);
    expect(writes[0]?.body).toBeUndefined();

    // The run ends: the layout's clustering indicator sees it and the list fills in.
    server.clusters = [makeCluster({ id: 'c1', title: 'Checkout fails on Safari' })];
    server.clustering = {
      pendingCount: 0,
      isClustering: false,
      lastJob: { finishedAt: '2026-01-02T00:00:00.000Z' } as ClusterJob,
    };
    await queryClient.invalidateQueries({ queryKey: queryKeys.clusteringStatus('acme') });
    expect(await screen.findByRole('link', { name: 'Checkout fails on Safari' })).toBeTruthy();
  });

  it('names the project, connects a checked repository, and starts its sources', async () => {
    const calls = stubApi(0, (call) => {
      const route = `${call.method} ${call.url.pathname}`;
      if (route === 'POST /projects/acme/repository/check') return { body: check };
      if (route === 'PUT /projects/acme/repository') return { body: call.body };
      if (route === 'PUT /projects/acme/secrets') return { status: 204 };
      if (route === 'POST /projects/acme/ingest/github/sync/acme/web') {
        return { body: { new: 3, updated: 0, closed: 0 } };
      }
      if (route === 'PUT /projects/acme/config/reddit/subreddits') return { body: call.body };
      if (route === 'POST /projects/acme/ingest/reddit/poll') return { body: { subreddits: ['acmeapp'] } };
      return undefined;
    });
    renderApp('/welcome');

    const name = await screen.findByLabelText('Project name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Acme Web');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));

    await waitFor(() =>
      expect(document.activeElement?.textContent).toBe('Step 2 of 3: Connect a GitHub repository'),
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Set up Acme Web' })).toBeTruthy();
    await userEvent.type(screen.getByLabelText('GitHub repository'), 'acme/web');
    await userEvent.type(screen.getByLabelText('GitHub token'), 'ghp_setup');
    await userEvent.click(screen.getByRole('button', { name: 'Save and continue' }));

    await waitFor(() => expect(document.activeElement?.textContent).toBe('Step 3 of 3: Pick sources'));
    const sync = screen.getByRole('checkbox', {
      name: 'Import the issues of acme/web now',
    }) as HTMLInputElement;
    expect(sync.checked).toBe(true);
    expect(screen.getByLabelText('Sentry webhook URL')).toBeTruthy();
    // Sentry signs with its own Client Secret: the step stores a pasted one and generates none
    expect(screen.getByLabelText('Sentry Client Secret')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Generate/ })).toBeNull();
    await userEvent.type(screen.getByLabelText('Subreddits to poll (optional)'), 'r/acmeapp');
    await userEvent.click(screen.getByRole('button', { name: 'Finish setup' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Clusters' })).toBeTruthy();
    const writes = calls.filter((c) => c.method !== 'GET');
    expect(writes.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'PATCH /projects/acme',
      'POST /projects/acme/repository/check',
      'PUT /projects/acme/repository',
      'PUT /projects/acme/secrets',
      'POST /projects/acme/ingest/github/sync/acme/web',
      'PUT /projects/acme/config/reddit/subreddits',
      'POST /projects/acme/ingest/reddit/poll',
    ]);
    expect(writes.map((c) => c.body)).toEqual([
      { name: 'Acme Web' },
      { owner: 'acme', name: 'web', token: 'ghp_setup' },
      { owner: 'acme', name: 'web', defaultBranch: 'main' },
      { githubToken: 'ghp_setup' },
      undefined,
      { subreddits: ['acmeapp'] },
      undefined,
    ]);
    // finished: the clusters page no longer sends the project back to setup
    expect(window.localStorage.getItem('fixloop.setup.acme')).toBe('finished');
  });

  it('does not save a repository whose token GitHub rejects, and lets the step be skipped', async () => {
    const calls = stubApi(0, (call) =>
      call.url.pathname === '/projects/acme/repository/check'
        ? {
            status: 422,
            body: {
              error: {
                code: 'validation_failed',
                message: 'token: rejected',
                details: { issues: [{ path: 'token', message: 'GitHub rejected this token.' }] },
              },
            },
          }
        : undefined,
    );
    renderApp('/welcome');
    await userEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    await userEvent.type(await screen.findByLabelText('GitHub repository'), 'acme/web');
    await userEvent.type(screen.getByLabelText('GitHub token'), 'ghp_bad');
    await userEvent.click(screen.getByRole('button', { name: 'Save and continue' }));

    expect(await screen.findByText('GitHub rejected this token.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Skip this step' }));
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Step 3 of 3: Pick sources'));
    expect(screen.queryByRole('checkbox')).toBeNull();
  });
});
