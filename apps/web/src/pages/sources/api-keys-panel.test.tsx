// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, stubFetch } from '../../testing/render';
import { ApiKeysPanel } from './api-keys-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const existing = {
  id: 'k1',
  name: 'zapier import',
  prefix: 'flk_abcdef',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('ApiKeysPanel', () => {
  it('creates a key, shows it once, and revokes a listed key', async () => {
    let keys = [existing];
    const calls = stubFetch((call) => {
      if (call.method === 'POST') {
        const created = {
          id: 'k2',
          name: 'ci',
          apiKey: 'flk_secret_value',
          createdAt: '2026-01-02T00:00:00.000Z',
        };
        keys = [...keys, { id: 'k2', name: 'ci', prefix: 'flk_secret', createdAt: created.createdAt }];
        return { status: 201, body: created };
      }
      if (call.method === 'DELETE') {
        keys = keys.filter((k) => !call.url.pathname.endsWith(`/${k.id}`));
        return { status: 204 };
      }
      return { body: { items: keys } };
    });
    renderWithProviders(<ApiKeysPanel />);

    expect(await screen.findByText('zapier import')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Key name'), ' ci ');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));

    const shown = (await screen.findByLabelText('New API key')) as HTMLInputElement;
    expect(shown.value).toBe('flk_secret_value');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/projects/acme/api-keys');
    expect(post?.body).toEqual({ name: 'ci' });
    const list = await screen.findByRole('list', { name: 'Project keys' });
    await waitFor(() => expect(within(list).getByText('ci')).toBeTruthy());

    await userEvent.click(screen.getByRole('button', { name: 'Revoke zapier import' }));
    await waitFor(() => expect(screen.queryByText('zapier import')).toBeNull());
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/projects/acme/api-keys/k1');
    expect(await screen.findByText('Key “zapier import” revoked.')).toBeTruthy();
  });

  it('asks for a name instead of sending an empty one', async () => {
    const calls = stubFetch(() => ({ body: { items: [] } }));
    renderWithProviders(<ApiKeysPanel />);
    expect(await screen.findByText('No project key yet.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByRole('alert').textContent).toContain('Name the key');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});
