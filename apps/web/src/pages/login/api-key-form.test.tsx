// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { apiError, renderWithProviders, stubFetch, testSession } from '../../testing/render';
import { ApiKeyForm } from './api-key-form';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ApiKeyForm', () => {
  it('signs in with the key and stores the session', async () => {
    const calls = stubFetch(() => ({ body: testSession }));
    const onSignedIn = vi.fn();
    const { queryClient } = renderWithProviders(<ApiKeyForm onSignedIn={onSignedIn} />, { signedOut: true });

    await userEvent.type(screen.getByLabelText('API key'), '  flk_secret  ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(testSession));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/auth/login');
    expect(calls[0]?.body).toEqual({ apiKey: 'flk_secret' });
    expect(calls[0]?.init?.credentials).toBe('same-origin');
    expect(queryClient.getQueryData(queryKeys.session)).toEqual(testSession);
  });

  it('asks for a key instead of sending an empty one', async () => {
    const calls = stubFetch(() => ({ body: testSession }));
    renderWithProviders(<ApiKeyForm onSignedIn={vi.fn()} />, { signedOut: true });

    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByRole('alert').textContent).toBe('Enter an API key.');
    expect(screen.getByLabelText('API key').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });

  it('shows a refused key inline, next to the field, and lets the person try again', async () => {
    let attempt = 0;
    stubFetch(() =>
      ++attempt === 1 ? apiError(401, 'unauthorized', 'invalid API key') : { body: testSession },
    );
    const onSignedIn = vi.fn();
    renderWithProviders(<ApiKeyForm onSignedIn={onSignedIn} />, { signedOut: true });
    const field = screen.getByLabelText('API key');

    await userEvent.type(field, 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('That API key was not accepted. Check it and try again.');
    expect(field.getAttribute('aria-describedby')).toBe(alert.id);
    expect(onSignedIn).not.toHaveBeenCalled();

    await userEvent.clear(field);
    await userEvent.type(field, 'right');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
  });

  it('says when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    renderWithProviders(<ApiKeyForm onSignedIn={vi.fn()} />, { signedOut: true });

    await userEvent.type(screen.getByLabelText('API key'), 'k');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the Fixloop server');
  });
});
