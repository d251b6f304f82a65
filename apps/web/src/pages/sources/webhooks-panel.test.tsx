// @vitest-environment jsdom
import type { Project, SecretsUpdate } from '@fixloop/contracts';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RecordedCall, renderWithProviders, stubFetch } from '../../testing/render';
import { WebhooksPanel } from './webhooks-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A project whose secrets the stubbed API stores as PUT /secrets says. */
function stubProject(secrets: Project['secrets']): RecordedCall[] {
  let project: Project = { id: 'acme', name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', secrets };
  return stubFetch((call) => {
    if (call.url.pathname === '/projects/acme/secrets') {
      const update = call.body as SecretsUpdate;
      const next = { ...project.secrets };
      for (const [k, v] of Object.entries(update)) next[k as keyof typeof next] = v !== null;
      project = { ...project, secrets: next };
      return { status: 204 };
    }
    return { body: project };
  });
}

const none = { githubToken: false, sentryWebhookSecret: false, githubWebhookSecret: false };

describe('WebhooksPanel', () => {
  it('shows each webhook address with a copy button, and the API addresses', async () => {
    stubProject(none);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksPanel />);

    const sentry = screen.getByRole('region', { name: 'Sentry' });
    const url = within(sentry).getByLabelText('Sentry webhook URL') as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/projects/acme/ingest/sentry`);
    await user.click(within(sentry).getByRole('button', { name: 'Copy Sentry webhook URL' }));
    expect(await navigator.clipboard.readText()).toBe(url.value);
    expect(await screen.findByText('Copied to the clipboard.')).toBeTruthy();

    const github = screen.getByRole('region', { name: 'GitHub' });
    expect((within(github).getByLabelText('GitHub webhook URL') as HTMLInputElement).value).toBe(
      `${window.location.origin}/projects/acme/ingest/github/webhook`,
    );
    expect(await within(github).findByText(/No signing secret/)).toBeTruthy();
    expect((screen.getByLabelText('Import reports') as HTMLInputElement).value).toBe(
      `${window.location.origin}/projects/acme/feedback/import`,
    );
  });

  it('generates a GitHub secret, stores it, and shows exactly that secret once', async () => {
    const calls = stubProject(none);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksPanel />);
    const github = screen.getByRole('region', { name: 'GitHub' });
    await within(github).findByText(/No signing secret/);

    await user.click(within(github).getByRole('button', { name: 'Generate secret' }));

    const shown = (await within(github).findByLabelText('New GitHub signing secret')) as HTMLInputElement;
    expect(shown.value).toMatch(/^[0-9a-f]{64}$/);
    expect([shown.selectionStart, shown.selectionEnd]).toEqual([0, 64]);
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.url.pathname).toBe('/projects/acme/secrets');
    expect(put?.body).toEqual({ githubWebhookSecret: shown.value });
    expect(
      within(github).getByText(/paste it into the Secret field of GitHub's webhook settings/),
    ).toBeTruthy();
    await user.click(within(github).getByRole('button', { name: 'Copy the new GitHub signing secret' }));
    expect(await navigator.clipboard.readText()).toBe(shown.value);
    expect(await within(github).findByText(/A signing secret is stored/)).toBeTruthy();

    await user.click(within(github).getByRole('button', { name: 'Done' }));
    expect(within(github).queryByLabelText('New GitHub signing secret')).toBeNull();
    expect(document.body.textContent).not.toContain(shown.value);
    // the other webhook is untouched
    expect(
      within(screen.getByRole('region', { name: 'Sentry' })).getByText(/No signing secret/),
    ).toBeTruthy();
  });

  // Sentry signs with its integration's Client Secret, which cannot be set in Sentry: a generated
  // secret would fail every delivery's signature check.
  it('offers Sentry no generated secret: it stores the pasted Client Secret', async () => {
    const calls = stubProject(none);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksPanel />);
    const sentry = screen.getByRole('region', { name: 'Sentry' });
    await within(sentry).findByText(/No signing secret/);
    expect(within(sentry).queryByRole('button', { name: /Generate/ })).toBeNull();

    const field = within(sentry).getByLabelText('Sentry Client Secret') as HTMLInputElement;
    expect(field.type).toBe('password');
    expect(field.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(
      /^Paste the Client Secret from Sentry → Settings → Developer Settings → your internal integration\./,
    );
    const store = within(sentry).getByRole('button', { name: 'Store Sentry secret' }) as HTMLButtonElement;
    expect(store.disabled).toBe(true);
    await user.type(field, '  4f1c0ffee  ');
    await user.click(store);

    expect(await screen.findByText('Sentry signing secret stored.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { sentryWebhookSecret: '4f1c0ffee' },
    ]);
    expect(await within(sentry).findByText(/A signing secret is stored/)).toBeTruthy();
    expect(field.value).toBe('');
    expect(within(sentry).queryByLabelText(/New Sentry signing secret/)).toBeNull();
    // stored: it can be removed or replaced by pasting another, still never generated
    expect(within(sentry).getByRole('button', { name: 'Remove secret' })).toBeTruthy();
    expect(within(sentry).queryByRole('button', { name: /Generate/ })).toBeNull();
    expect(within(sentry).getByLabelText('Sentry Client Secret')).toBeTruthy();
  });

  it('removes a stored secret only after confirming', async () => {
    const calls = stubProject({ ...none, githubWebhookSecret: true });
    const user = userEvent.setup();
    renderWithProviders(<WebhooksPanel />);
    const github = screen.getByRole('region', { name: 'GitHub' });
    await within(github).findByText(/A signing secret is stored/);

    await user.click(within(github).getByRole('button', { name: 'Remove secret' }));
    const question = within(github).getByRole('group', { name: 'Remove the GitHub signing secret?' });
    await user.click(within(question).getByRole('button', { name: 'Cancel' }));
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    expect(document.activeElement).toBe(within(github).getByRole('button', { name: 'Remove secret' }));

    await user.click(within(github).getByRole('button', { name: 'Remove secret' }));
    await user.click(within(github).getByRole('button', { name: 'Remove secret' }));
    expect(await screen.findByText('GitHub signing secret removed.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ githubWebhookSecret: null });
    expect(await within(github).findByText(/No signing secret/)).toBeTruthy();
  });
});
