// @vitest-environment jsdom
import type { SessionInfo } from '@fixloop/contracts';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { SignupForm } from './signup-form';

const newSession: SessionInfo = {
  principal: { kind: 'user', user: { id: 'u2', email: 'grace@example.com', name: 'Grace', admin: true } },
  projectId: 'default',
  projects: [{ id: 'default', name: 'Default', role: 'owner' }],
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

async function fill(name: string, email: string, password: string) {
  if (name) await userEvent.type(screen.getByLabelText('Name'), name);
  if (email) await userEvent.type(screen.getByLabelText('Email'), email);
  if (password) await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('SignupForm', () => {
  it('makes the account, signs in and stores the session', async () => {
    const calls = stubFetch(() => ({ status: 201, body: newSession }));
    const onSignedIn = vi.fn();
    const { queryClient } = renderWithProviders(<SignupForm onSignedIn={onSignedIn} />, { signedOut: true });

    await fill(' Grace ', 'grace@example.com', 'a long enough password');

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(newSession));
    expect(calls[0]?.url.pathname).toBe('/auth/signup');
    expect(calls[0]?.body).toEqual({
      name: 'Grace',
      email: 'grace@example.com',
      password: 'a long enough password',
    });
    expect(queryClient.getQueryData(queryKeys.session)).toEqual(newSession);
  });

  it('checks the fields before sending', async () => {
    const calls = stubFetch(() => ({ status: 201, body: newSession }));
    renderWithProviders(<SignupForm onSignedIn={vi.fn()} />, { signedOut: true });

    await fill('', 'grace@example.com', 'short');
    expect(screen.getByRole('alert').textContent).toBe('Enter your name and email.');
    await fill('Grace', '', '');
    expect(screen.getByRole('alert').textContent).toBe('Choose a password of at least 10 characters.');
    expect(calls).toHaveLength(0);
  });

  it.each([
    [apiError(409, 'conflict', 'exists'), 'An account with this email exists. Sign in instead.'],
    [apiError(403, 'forbidden', 'closed'), 'Sign-up is closed on this server. Ask its admin for access.'],
    [
      apiError(422, 'validation_failed', 'body.email: Invalid email', {
        issues: [{ path: 'body.email', message: 'Invalid email address' }],
      }),
      'Invalid email address',
    ],
  ])('explains a refusal (%#)', async (answer, text) => {
    stubFetch(() => answer);
    renderWithProviders(<SignupForm onSignedIn={vi.fn()} />, { signedOut: true });
    await fill('Grace', 'grace@example.com', 'a long enough password');
    expect((await screen.findByRole('alert')).textContent).toBe(text);
  });
});
