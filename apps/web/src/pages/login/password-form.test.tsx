// @vitest-environment jsdom
import type { SessionInfo } from '@fixloop/contracts';
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/keys';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { PasswordForm, waitText } from './password-form';

const userSession: SessionInfo = {
  principal: { kind: 'user', user: { id: 'u1', email: 'ada@example.com', name: 'Ada', admin: false } },
  projectId: 'adas-project',
  projects: [{ id: 'adas-project', name: "Ada's project", role: 'owner' }],
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('PasswordForm', () => {
  it('signs in with the email and password and stores the session', async () => {
    const calls = stubFetch(() => ({ body: userSession }));
    const onSignedIn = vi.fn();
    const { queryClient } = renderWithProviders(<PasswordForm onSignedIn={onSignedIn} />, {
      signedOut: true,
    });

    await userEvent.type(screen.getByLabelText('Email'), '  ada@example.com ');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse battery');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(userSession));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/auth/login');
    expect(calls[0]?.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(queryClient.getQueryData(queryKeys.session)).toEqual(userSession);
    expect(window.localStorage.getItem('fixloop.signedIn')).toBe('1');
  });

  it('asks for both fields instead of sending empty ones', async () => {
    const calls = stubFetch(() => ({ body: userSession }));
    renderWithProviders(<PasswordForm onSignedIn={vi.fn()} />, { signedOut: true });

    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));

    expect(screen.getByRole('alert').textContent).toBe('Enter your email and password.');
    expect(calls).toHaveLength(0);
  });

  it('says when the email and password do not match, next to the fields', async () => {
    stubFetch(() => apiError(401, 'unauthorized', 'wrong email or password'));
    const onSignedIn = vi.fn();
    renderWithProviders(<PasswordForm onSignedIn={onSignedIn} />, { signedOut: true });

    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'That email and password do not match an account. Check them and try again.',
    );
    expect(screen.getByLabelText('Password').getAttribute('aria-describedby')).toBe(alert.id);
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('says how long to wait after too many attempts', async () => {
    stubFetch(() => apiError(429, 'rate_limited', 'too many sign-in attempts', { retryAfterS: 840 }));
    renderWithProviders(<PasswordForm onSignedIn={vi.fn()} />, { signedOut: true });

    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'guess');
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Too many attempts. Try again in 14 minutes.',
    );
    expect(waitText(30)).toBe('in 30 seconds');
    expect(waitText(undefined)).toBe('in a while');
  });
});
