// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { AutomationPanel } from './automation-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const radio = (name: string) => screen.getByRole('radio', { name }) as HTMLInputElement;

describe('AutomationPanel', () => {
  it('shows the saved level and saves another one', async () => {
    const calls = stubFetch((call) =>
      call.method === 'PUT' ? { body: call.body } : { body: { level: 'draft_pr' } },
    );
    renderWithProviders(<AutomationPanel />);

    await waitFor(() => expect(radio('Draft pull requests').checked).toBe(true));
    expect(screen.getByRole('group', { name: 'How far may Fixloop go?' })).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save automation' });
    expect(save.hasAttribute('disabled')).toBe(true);

    await userEvent.click(radio('Plans only'));
    expect(save.hasAttribute('disabled')).toBe(false);
    await userEvent.click(save);

    expect(await screen.findByText('Automation set to Plans only.')).toBeTruthy();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.url.pathname).toBe('/projects/acme/automation');
    expect(put?.body).toEqual({ level: 'plan' });
    expect(radio('Plans only').checked).toBe(true);
    await waitFor(() => expect(save.hasAttribute('disabled')).toBe(true));
  });

  it('keeps the choice and says why when saving fails', async () => {
    stubFetch((call) =>
      call.method === 'PUT'
        ? apiError(403, 'forbidden', 'only an admin may change automation')
        : { body: { level: 'plan' } },
    );
    renderWithProviders(<AutomationPanel />);
    await waitFor(() => expect(radio('Plans only').checked).toBe(true));
    await userEvent.click(radio('Draft pull requests'));
    await userEvent.click(screen.getByRole('button', { name: 'Save automation' }));
    expect(await screen.findByText('Not saved: only an admin may change automation')).toBeTruthy();
    expect(radio('Draft pull requests').checked).toBe(true);
  });
});
