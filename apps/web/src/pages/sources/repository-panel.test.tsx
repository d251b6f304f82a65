// @vitest-environment jsdom
import type { Project, RepositoryCheck } from '@fixloop/contracts';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, type RecordedCall, renderWithProviders, stubFetch } from '../../testing/render';
import { RepositoryPanel } from './repository-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function makeProject(overrides: Partial<Project> = {}): Project {
  return {
    id: 'acme',
    name: 'Acme',
    createdAt: '2026-01-01T00:00:00.000Z',
    secrets: { githubToken: false, sentryWebhookSecret: false, githubWebhookSecret: false },
    ...overrides,
  };
}

const answer: RepositoryCheck = {
  fullName: 'acme/web',
  defaultBranch: 'main',
  private: true,
  htmlUrl: 'https://github.com/acme/web',
  openIssues: 12,
  canPush: false,
  tokenSource: 'request',
};

const writes = (calls: RecordedCall[]) => calls.filter((c) => c.method !== 'GET');

describe('RepositoryPanel', () => {
  it('checks the typed repository and token with GitHub and shows the answer', async () => {
    const calls = stubFetch((call) =>
      call.url.pathname.endsWith('/repository/check') ? { body: answer } : { body: makeProject() },
    );
    renderWithProviders(<RepositoryPanel />);

    expect(await screen.findByText(/No repository saved yet/)).toBeTruthy();
    expect(screen.getByText(/No token stored/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText('GitHub repository'), 'https://github.com/acme/web.git');
    await userEvent.type(screen.getByLabelText('GitHub token'), 'ghp_typed');
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));

    const result = await screen.findByText(/GitHub answered for/);
    const box = result.closest('.check-result') as HTMLElement;
    expect(within(box).getByRole('link', { name: 'acme/web' }).getAttribute('href')).toBe(
      'https://github.com/acme/web',
    );
    expect(within(box).getByText('main')).toBeTruthy();
    expect(within(box).getByText('Private')).toBeTruthy();
    expect(within(box).getByText(/Read-only/)).toBeTruthy();
    expect(within(box).getByText('the token typed above')).toBeTruthy();
    const check = calls.find((c) => c.url.pathname === '/projects/acme/repository/check');
    expect(check?.method).toBe('POST');
    expect(check?.body).toEqual({ owner: 'acme', name: 'web', token: 'ghp_typed' });
    expect((screen.getByLabelText('GitHub token') as HTMLInputElement).type).toBe('password');
  });

  it('shows a token GitHub rejected next to the token field', async () => {
    stubFetch((call) =>
      call.url.pathname.endsWith('/repository/check')
        ? apiError(422, 'validation_failed', 'token: GitHub rejected this token.', {
            issues: [{ path: 'token', message: 'GitHub rejected this token.' }],
          })
        : { body: makeProject() },
    );
    renderWithProviders(<RepositoryPanel />);

    await userEvent.type(await screen.findByLabelText('GitHub repository'), 'acme/web');
    await userEvent.type(screen.getByLabelText('GitHub token'), 'ghp_bad');
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));

    const token = screen.getByLabelText('GitHub token');
    await waitFor(() => expect(token.getAttribute('aria-invalid')).toBe('true'));
    const described = (token.getAttribute('aria-describedby') ?? '').split(' ');
    const error = described.map((id) => document.getElementById(id)).find((el) => el?.role === 'alert');
    expect(error?.textContent).toBe('GitHub rejected this token.');
    expect(document.activeElement).toBe(token);
    expect(screen.getByLabelText('GitHub repository').getAttribute('aria-invalid')).toBe('false');
    expect(screen.queryByText(/GitHub answered for/)).toBeNull();
  });

  it('saves the repository with the checked default branch, then the token', async () => {
    let project = makeProject();
    const calls = stubFetch((call) => {
      const path = call.url.pathname;
      if (path.endsWith('/repository/check')) return { body: { ...answer, defaultBranch: 'trunk' } };
      if (path.endsWith('/repository')) {
        project = { ...project, repository: call.body as Project['repository'] };
        return { body: call.body };
      }
      if (path.endsWith('/secrets')) {
        project = { ...project, secrets: { ...project.secrets, githubToken: true } };
        return { status: 204 };
      }
      return { body: project };
    });
    renderWithProviders(<RepositoryPanel />);

    await userEvent.type(await screen.findByLabelText('GitHub repository'), 'acme/web');
    await userEvent.type(screen.getByLabelText('GitHub token'), 'ghp_new');
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    await screen.findByText(/GitHub answered for/);
    await userEvent.click(screen.getByRole('button', { name: 'Save repository' }));

    expect(await screen.findByText('acme/web saved with its token.')).toBeTruthy();
    const [, put, secrets] = writes(calls);
    expect(put?.method).toBe('PUT');
    expect(put?.url.pathname).toBe('/projects/acme/repository');
    expect(put?.body).toEqual({ owner: 'acme', name: 'web', defaultBranch: 'trunk' });
    expect(secrets?.method).toBe('PUT');
    expect(secrets?.url.pathname).toBe('/projects/acme/secrets');
    expect(secrets?.body).toEqual({ githubToken: 'ghp_new' });
    expect((screen.getByLabelText(/GitHub token/) as HTMLInputElement).value).toBe('');
    expect(await screen.findByText('A token is stored.')).toBeTruthy();
    expect(screen.getByText('acme/web', { selector: 'strong' })).toBeTruthy();
  });

  it('saves without a token and removes a stored one after asking', async () => {
    let project = makeProject({
      repository: { owner: 'acme', name: 'web', defaultBranch: 'main' },
      secrets: { githubToken: true, sentryWebhookSecret: false, githubWebhookSecret: false },
    });
    const calls = stubFetch((call) => {
      if (call.url.pathname.endsWith('/secrets')) {
        project = { ...project, secrets: { ...project.secrets, githubToken: false } };
        return { status: 204 };
      }
      if (call.url.pathname.endsWith('/repository')) return { body: call.body };
      return { body: project };
    });
    renderWithProviders(<RepositoryPanel />);

    expect(((await screen.findByLabelText('GitHub repository')) as HTMLInputElement).value).toBe('acme/web');
    expect((screen.getByLabelText('Default branch (optional)') as HTMLInputElement).value).toBe('main');
    await userEvent.click(screen.getByRole('button', { name: 'Save repository' }));
    await screen.findByText('acme/web saved.');
    expect(writes(calls).map((c) => c.url.pathname)).toEqual(['/projects/acme/repository']);
    expect(writes(calls)[0]?.body).toEqual({ owner: 'acme', name: 'web', defaultBranch: 'main' });

    await userEvent.click(screen.getByRole('button', { name: 'Remove token' }));
    const confirm = screen.getByRole('group', { name: 'Remove the stored GitHub token?' });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Remove token' }));
    await userEvent.click(within(confirm).getByRole('button', { name: 'Remove token' }));
    expect(await screen.findByText('GitHub token removed.')).toBeTruthy();
    expect(writes(calls).at(-1)?.body).toEqual({ githubToken: null });
    expect(await screen.findByText(/No token stored/)).toBeTruthy();
  });

  it('asks for owner/name before calling GitHub', async () => {
    const calls = stubFetch(() => ({ body: makeProject() }));
    renderWithProviders(<RepositoryPanel />);
    await userEvent.type(await screen.findByLabelText('GitHub repository'), 'just-a-name');
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(screen.getByRole('alert').textContent).toBe('Write the repository as owner/name.');
    expect(writes(calls)).toHaveLength(0);
  });
});
