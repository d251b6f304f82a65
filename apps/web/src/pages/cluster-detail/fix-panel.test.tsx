// @vitest-environment jsdom
import type { AgentJob, AutomationLevel } from '@fixloop/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { makeDetail } from '../../testing/fixtures';
import {
  apiError,
  cleanupAfterEach,
  type RecordedCall,
  renderWithProviders,
  type StubResponse,
  stubFetch,
} from '../../testing/render';
import { FixPanel } from './fix-panel';

cleanupAfterEach();

function makeJob(overrides: Partial<AgentJob> = {}): AgentJob {
  return {
    id: 'j1',
    projectId: 'acme',
    clusterId: 'c1',
    planId: 'p1',
    runner: 'local',
    status: 'queued',
    stats: {},
    createdAt: '2026-01-20T10:00:00.000Z',
    ...overrides,
  };
}

interface Setup {
  jobs?: AgentJob[];
  level?: AutomationLevel;
  other?: (call: RecordedCall) => StubResponse | undefined;
}

function serve({ jobs = [], level = 'draft_pr', other }: Setup) {
  return stubFetch((call) => {
    const path = call.url.pathname;
    const special = other?.(call);
    if (special) return special;
    if (path === '/projects/acme/jobs') return { body: { items: jobs } };
    if (path === '/projects/acme/automation') return { body: { level } };
    if (path === '/projects/acme/clusters/c1') return { body: makeDetail({ id: 'c1' }) };
    if (path.endsWith('/logs')) return { body: { items: [], done: false } };
    return apiError(404, 'not_found', `no route ${path}`);
  });
}

const generateFix = () => screen.getByRole('button', { name: 'Generate fix' });

describe('FixPanel', () => {
  it("starts a fix, and shows the server's reason when it refuses", async () => {
    const calls = serve({
      other: (call) =>
        call.url.pathname.endsWith('/start_fix')
          ? apiError(
              409,
              'conflict',
              'the project has no repository: set one with PUT /projects/{pid}/repository first',
              {
                missing: 'repository',
              },
            )
          : undefined,
    });
    renderWithProviders(<FixPanel clusterId="c1" />);

    await waitFor(() => expect(generateFix().hasAttribute('disabled')).toBe(false));
    await userEvent.click(generateFix());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Could not start a fix: the project has no repository: set one with PUT /projects/{pid}/repository first',
    );
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/projects/acme/clusters/c1/start_fix');
  });

  it('says why when the monthly or concurrency limit is reached', async () => {
    serve({
      other: (call) =>
        call.url.pathname.endsWith('/start_fix')
          ? apiError(429, 'rate_limited', 'this project has used its 100 coding agent runs for 2026-01')
          : undefined,
    });
    renderWithProviders(<FixPanel clusterId="c1" />);
    await waitFor(() => expect(generateFix().hasAttribute('disabled')).toBe(false));
    await userEvent.click(generateFix());
    expect((await screen.findByRole('alert')).textContent).toContain('100 coding agent runs for 2026-01');
  });

  it('is off, with a way to change it, when automation stops at plans', async () => {
    serve({ level: 'plan' });
    renderWithProviders(<FixPanel clusterId="c1" />);
    expect(await screen.findByText(/automation stops at coding plans/)).toBeTruthy();
    expect(generateFix().hasAttribute('disabled')).toBe(true);
    const why = document.getElementById(generateFix().getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toContain('stops at coding plans');
    expect(
      screen.getByRole('link', { name: 'Allow draft pull requests on Sources' }).getAttribute('href'),
    ).toBe('/sources#automation');
  });

  it('shows a finished fix: its stats, branch and draft pull request', async () => {
    serve({
      jobs: [
        makeJob({
          status: 'succeeded',
          branch: 'fixloop/c1-j1',
          prUrl: 'https://github.com/acme/shop/pull/7',
          commitSha: 'abc1234',
          startedAt: '2026-01-20T10:00:01.000Z',
          finishedAt: '2026-01-20T10:01:05.000Z',
          stats: { durationMs: 64_000, filesChanged: 2, insertions: 3, deletions: 1, validationPassed: true },
        }),
        makeJob({ id: 'j0', status: 'failed', error: 'the agent exited with 1' }),
      ],
    });
    renderWithProviders(<FixPanel clusterId="c1" />);

    const pr = await screen.findByRole('link', { name: /Draft pull request #7/ });
    expect(pr.getAttribute('href')).toBe('https://github.com/acme/shop/pull/7');
    expect(pr.getAttribute('target')).toBe('_blank');
    expect(pr.getAttribute('rel')).toContain('noopener');
    const facts = Object.fromEntries(
      [...document.querySelectorAll('.job-facts > div')].map((d) => [
        d.querySelector('dt')?.textContent,
        d.querySelector('dd [aria-hidden="true"]')?.textContent ?? d.querySelector('dd')?.textContent,
      ]),
    );
    expect(facts).toEqual({
      Runner: 'local',
      Duration: '1 min 4 s',
      'Files changed': '2',
      Lines: '+3 −1',
      Validation: 'passed',
    });
    expect(screen.getByText('fixloop/c1-j1')).toBeTruthy();
    expect(screen.getByText('Succeeded')).toBeTruthy();
    expect(screen.getByText('Earlier fixes (1)')).toBeTruthy();
    // Nothing left to wait for: the button is free again.
    expect(generateFix().hasAttribute('disabled')).toBe(false);
    expect(screen.getByRole('button', { name: 'Show log' }).getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('button', { name: 'Cancel fix' })).toBeNull();
  });

  it('cancels a running fix, and keeps Generate fix off while it runs', async () => {
    let running = true;
    const calls = serve({
      other: (call) => {
        if (call.url.pathname === '/projects/acme/jobs/j1/cancel') {
          running = false;
          return { body: makeJob({ status: 'cancelled' }) };
        }
        if (call.url.pathname === '/projects/acme/jobs') {
          return { body: { items: [makeJob(running ? { status: 'running' } : { status: 'cancelled' })] } };
        }
        return undefined;
      },
    });
    renderWithProviders(<FixPanel clusterId="c1" />);

    const cancel = await screen.findByRole('button', { name: 'Cancel fix' });
    expect(generateFix().hasAttribute('disabled')).toBe(true);
    expect(screen.getByText('A fix for this cluster is already running.')).toBeTruthy();
    expect(screen.getByRole('log', { name: 'Agent log' })).toBeTruthy();

    await userEvent.click(cancel);
    expect(await screen.findByText('Fix cancelled.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/projects/acme/jobs/j1/cancel')).toBe(
      true,
    );
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeTruthy();
    await waitFor(() => expect(generateFix().hasAttribute('disabled')).toBe(false));
  });

  it('retries a failed fix', async () => {
    const calls = serve({
      jobs: [makeJob({ status: 'failed', error: 'validation failed' })],
      other: (call) =>
        call.url.pathname === '/projects/acme/jobs/j1/retry'
          ? { status: 202, body: makeJob({ id: 'j2', retryOf: 'j1' }) }
          : undefined,
    });
    renderWithProviders(<FixPanel clusterId="c1" />);
    expect(await screen.findByText('validation failed')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Fix queued again.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([
      '/projects/acme/jobs/j1/retry',
    ]);
    const region = screen.getByRole('region', { name: 'Fix' });
    expect(within(region).getByText('Failed')).toBeTruthy();
  });
});
