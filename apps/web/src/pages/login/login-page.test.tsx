// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, stubFetch } from '../../testing/render';
import { LoginPage } from './login-page';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

function serverOffers(options: { signup: boolean; github: boolean }) {
  return stubFetch((call) =>
    call.url.pathname === '/auth/options' ? { body: options } : { status: 404, body: {} },
  );
}

describe('LoginPage', () => {
  it('offers email and password beside the API key; GitHub and sign-up only when the server has them', async () => {
    serverOffers({ signup: false, github: false });
    renderWithProviders(<LoginPage />, { signedOut: true, route: '/login' });

    expect(await screen.findByLabelText('Email')).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.getByLabelText('API key')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Continue with GitHub' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create an account' })).toBeNull();
  });

  it('links to GitHub and opens the sign-up form when the server allows both', async () => {
    serverOffers({ signup: true, github: true });
    renderWithProviders(<LoginPage />, { signedOut: true, route: '/login' });

    const github = await screen.findByRole('link', { name: 'Continue with GitHub' });
    expect(github.getAttribute('href')).toBe('/auth/github');
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(screen.getByRole('heading', { name: 'Create an account' })).toBeTruthy();
    expect(screen.getByLabelText('Name')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
    // The API key form stays, whatever the mode.
    expect(screen.getByLabelText('API key')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'I have an account' }));
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
  });

  it('says why a sign-in with GitHub came back, in its own words only', async () => {
    serverOffers({ signup: false, github: true });
    renderWithProviders(<LoginPage />, { signedOut: true, route: '/login?error=github_signup_closed' });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no Fixloop account for your GitHub email, and sign-up is closed on this server.',
    );
    cleanup();
    serverOffers({ signup: false, github: true });
    renderWithProviders(<LoginPage />, { signedOut: true, route: '/login?error=<b>click+here</b>' });
    await screen.findByRole('link', { name: 'Continue with GitHub' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
