// @vitest-environment jsdom
import type { Usage } from '@fixloop/contracts';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { BillingPanel } from './billing-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const limits = {
  free: { feedback: 500, agentRuns: 10, members: 3 },
  pro: { feedback: 10_000, agentRuns: 100, members: 10 },
  team: { feedback: 100_000, agentRuns: 500, members: 50 },
};

function usage(over: Partial<Usage> = {}): Usage {
  return {
    period: { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
    plan: 'free',
    billing: 'on',
    counts: { feedback: 500, agentRuns: 4, members: 2 },
    limits: limits.free,
    held: 37,
    plans: [
      { id: 'free', limits: limits.free, purchasable: false },
      { id: 'pro', limits: limits.pro, purchasable: true },
      { id: 'team', limits: limits.team, purchasable: true },
    ],
    ...over,
  };
}

describe('BillingPanel', () => {
  it('shows usage against the plan and sends the browser to Checkout for an upgrade', async () => {
    const calls = stubFetch((call) => {
      if (call.method === 'POST')
        return { body: { id: 'cs_test_1', url: 'https://checkout.stripe.com/c/pay/cs_test_1' } };
      return { body: usage() };
    });
    const navigate = vi.fn();
    renderWithProviders(<BillingPanel navigate={navigate} />);

    const list = await screen.findByRole('list', { name: 'Usage this month' });
    expect(within(list).getByText('500 of 500')).toBeTruthy();
    expect(within(list).getByLabelText('Agent runs: 4 of 10')).toBeTruthy();
    expect(within(list).getByText('2 of 3')).toBeTruthy();
    expect(within(list).getByLabelText('Held reports: 37 of 500')).toBeTruthy();
    expect(screen.getByText('Free')).toBeTruthy();
    expect(screen.getByText(/not clustered, until next month or an upgrade/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Manage billing' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Upgrade to Team' }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_test_1'));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/projects/acme/billing/checkout');
    expect(post?.body).toEqual({ plan: 'team' });
  });

  it('opens the billing portal for a subscribed project and offers only bigger plans', async () => {
    const calls = stubFetch((call) => {
      if (call.method === 'POST')
        return { body: { id: 'bps_1', url: 'https://billing.stripe.com/p/session/bps_1' } };
      return {
        body: usage({
          plan: 'pro',
          limits: limits.pro,
          held: 0,
          subscription: { status: 'past_due', portal: true, paymentFailedAt: '2026-03-10T00:00:00.000Z' },
        }),
      };
    });
    const navigate = vi.fn();
    renderWithProviders(<BillingPanel navigate={navigate} />);
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByText('(subscription past due)', { exact: false })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Upgrade to Pro' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Upgrade to Team' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Manage billing' }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('https://billing.stripe.com/p/session/bps_1'));
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/projects/acme/billing/portal');
  });

  it('with billing off shows only the counts: no plan, no limits, no buttons', async () => {
    stubFetch(() => ({
      body: usage({
        billing: 'off',
        held: 0,
        counts: { feedback: 1234, agentRuns: 3, members: 1 },
        limits: { feedback: null, agentRuns: null, members: null },
        plans: [],
      }),
    }));
    renderWithProviders(<BillingPanel navigate={vi.fn()} />);
    const list = await screen.findByRole('list', { name: 'Usage this month' });
    expect(within(list).getByText('1,234 this month')).toBeTruthy();
    expect(within(list).queryByText('Held reports')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Usage' })).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByText('Plan:', { exact: false })).toBeNull();
  });

  it('says why Checkout did not open', async () => {
    stubFetch((call) =>
      call.method === 'POST'
        ? apiError(502, 'upstream_unavailable', 'Stripe checkout could not be reached')
        : { body: usage() },
    );
    const navigate = vi.fn();
    renderWithProviders(<BillingPanel navigate={navigate} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));
    expect(
      await screen.findByText(/Checkout did not open: Stripe checkout could not be reached/),
    ).toBeTruthy();
    expect(navigate).not.toHaveBeenCalled();
  });
});
