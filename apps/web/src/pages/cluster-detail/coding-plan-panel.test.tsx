// @vitest-environment jsdom
import type { CodingPlan } from '@fixloop/contracts';
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
import { CodingPlanPanel } from './coding-plan-panel';

cleanupAfterEach();

function makePlan(overrides: Partial<CodingPlan> = {}): CodingPlan {
  return {
    id: 'p1',
    clusterId: 'c1',
    title: 'Apply the coupon in total()',
    summary: 'total() ignores the coupon argument.',
    hypotheses: ['the coupon argument is unused'],
    candidateFiles: [{ path: 'shop/cart.py', reason: 'total() lives here' }],
    steps: ['Subtract the coupon', 'Add a test'],
    validation: ['pytest -q'],
    risk: 'low',
    citations: [
      {
        feedbackId: 'f1',
        title: 'Coupon ignored',
        source: 'github',
        url: 'https://github.com/acme/shop/issues/1',
      },
      { feedbackId: 'f2', title: 'Discount missing', source: 'reddit' },
    ],
    source: 'offline',
    repositoryCommit: '0123456789abcdef0123',
    createdAt: '2026-01-20T10:00:00.000Z',
    updatedAt: '2026-01-20T10:00:00.000Z',
    ...overrides,
  };
}

/** The cluster page's other reads (its fix panel): no jobs yet, fixes allowed. */
function background(call: RecordedCall): StubResponse | undefined {
  const path = call.url.pathname;
  if (path === '/projects/acme/jobs') return { body: { items: [] } };
  if (path === '/projects/acme/automation') return { body: { level: 'draft_pr' } };
  if (path === '/projects/acme/clusters/c1') return { body: makeDetail({ id: 'c1' }) };
  return undefined;
}

function serve(plan: (call: RecordedCall) => StubResponse | Promise<StubResponse>) {
  return stubFetch((call) => {
    if (call.url.pathname === '/projects/acme/clusters/c1/plan') return plan(call);
    return background(call) ?? apiError(404, 'not_found', `no route ${call.url.pathname}`);
  });
}

function renderPanel() {
  return renderWithProviders(<CodingPlanPanel />, { route: '/clusters/c1', path: '/clusters/:id' });
}

const planRegion = () => screen.getByRole('region', { name: 'Coding plan' });

describe('CodingPlanPanel', () => {
  it('offers to generate the first plan, then shows it', async () => {
    const calls = serve((call) =>
      call.method === 'POST' ? { status: 201, body: makePlan() } : apiError(404, 'not_found', 'no plan'),
    );
    renderPanel();

    expect(await screen.findByText('No plan yet')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Generate plan' }));

    expect(
      await screen.findByRole('heading', { level: 3, name: 'Apply the coupon in total()' }),
    ).toBeTruthy();
    expect(await screen.findByText('Plan generated.')).toBeTruthy();
    const region = planRegion();
    expect(within(region).getByText('Risk: low')).toBeTruthy();
    expect(within(region).getByText('Drafted offline')).toBeTruthy();
    expect(within(region).getByText('shop/cart.py')).toBeTruthy();
    expect(within(region).getByText('pytest -q').tagName).toBe('CODE');
    expect(
      within(region)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toContain('Add a test');
    expect(within(region).getByText('Based on 2 reports')).toBeTruthy();
    const cited = within(region).getByRole('link', { name: /Coupon ignored/ });
    expect(cited.getAttribute('href')).toBe('https://github.com/acme/shop/issues/1');
    expect(cited.getAttribute('target')).toBe('_blank');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([
      '/projects/acme/clusters/c1/plan',
    ]);
  });

  it('shows an edit at once and rolls it back when the server refuses it', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls = serve(async (call) => {
      if (call.method !== 'PUT') return { body: makePlan() };
      await gate;
      return apiError(422, 'validation_failed', 'validation: too many commands', {
        issues: [{ path: 'validation', message: 'Too big: expected array to have <=20 items' }],
      });
    });
    renderPanel();

    await userEvent.click(await screen.findByRole('button', { name: 'Edit plan' }));
    const form = screen.getByRole('form', { name: 'Edit the coding plan' });
    const title = within(form).getByLabelText('Plan title');
    expect(document.activeElement).toBe(title);
    await userEvent.clear(title);
    await userEvent.type(title, 'Honour coupons in total()');
    const steps = within(form).getByLabelText('Steps');
    await userEvent.type(steps, '\n\nRun the checkout tests');
    await userEvent.selectOptions(within(form).getByLabelText('Risk'), 'medium');
    await userEvent.click(within(form).getByRole('button', { name: 'Save plan' }));

    // Shown before the server answers.
    expect(screen.getByRole('heading', { level: 3, name: 'Honour coupons in total()' })).toBeTruthy();
    expect(screen.getByText('Edited by a person')).toBeTruthy();
    expect(screen.getByText('Risk: medium')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      title: 'Honour coupons in total()',
      summary: 'total() ignores the coupon argument.',
      risk: 'medium',
      hypotheses: ['the coupon argument is unused'],
      candidateFiles: [{ path: 'shop/cart.py', reason: 'total() lives here' }],
      steps: ['Subtract the coupon', 'Add a test', 'Run the checkout tests'],
      validation: ['pytest -q'],
    });

    release();
    expect(
      await screen.findByText('Plan not saved: validation: Too big: expected array to have <=20 items'),
    ).toBeTruthy();
    // The form comes back with the draft, so nothing typed is lost…
    const reopened = screen.getByRole('form', { name: 'Edit the coding plan' });
    expect((within(reopened).getByLabelText('Plan title') as HTMLInputElement).value).toBe(
      'Honour coupons in total()',
    );
    expect(within(reopened).getByRole('alert').textContent).toContain('Too big');
    // …and the plan itself is the one the server kept.
    await userEvent.click(within(reopened).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('heading', { level: 3, name: 'Apply the coupon in total()' })).toBeTruthy();
    expect(screen.getByText('Drafted offline')).toBeTruthy();
  });

  it('saves an edit and says so', async () => {
    serve((call) =>
      call.method === 'PUT'
        ? { body: makePlan({ ...(call.body as object), source: 'edited' }) }
        : { body: makePlan() },
    );
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit plan' }));
    const files = screen.getByLabelText('Candidate files');
    expect((files as HTMLTextAreaElement).value).toBe('shop/cart.py: total() lives here');
    await userEvent.type(files, '\nshop/coupons.py');
    await userEvent.click(screen.getByRole('button', { name: 'Save plan' }));
    expect(await screen.findByText('Plan saved.')).toBeTruthy();
    expect(screen.getByText('shop/coupons.py')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit plan' }));
  });

  it('keeps the title required', async () => {
    const calls = serve(() => ({ body: makePlan() }));
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit plan' }));
    await userEvent.clear(screen.getByLabelText('Plan title'));
    await userEvent.click(screen.getByRole('button', { name: 'Save plan' }));
    expect(screen.getByText('The plan needs a title.')).toBeTruthy();
    expect(screen.getByLabelText('Plan title').getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('asks before regenerating over a human edit', async () => {
    const calls = serve((call) =>
      call.method === 'POST'
        ? { status: 201, body: makePlan({ title: 'A fresh plan', source: 'offline' }) }
        : { body: makePlan({ source: 'edited' }) },
    );
    renderPanel();

    await userEvent.click(await screen.findByRole('button', { name: 'Regenerate' }));
    const question = screen.getByRole('group', { name: 'Regenerating replaces your edits.' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await userEvent.click(within(question).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    await userEvent.click(screen.getByRole('button', { name: 'Replace my edits' }));
    expect(await screen.findByRole('heading', { level: 3, name: 'A fresh plan' })).toBeTruthy();
    expect(await screen.findByText('Plan regenerated.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('regenerates a machine-written plan without asking', async () => {
    const calls = serve((call) =>
      call.method === 'POST' ? { status: 201, body: makePlan({ title: 'Again' }) } : { body: makePlan() },
    );
    renderPanel();
    await userEvent.click(await screen.findByRole('button', { name: 'Regenerate' }));
    expect(await screen.findByRole('heading', { level: 3, name: 'Again' })).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
  });

  it('shows a failed read with a way to try again', async () => {
    serve(() => apiError(500, 'internal', 'Something went wrong.'));
    renderPanel();
    expect(await screen.findByText('Could not load the plan.')).toBeTruthy();
    expect(within(planRegion()).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
