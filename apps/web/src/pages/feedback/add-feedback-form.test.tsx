// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { AddFeedbackForm } from './add-feedback-form';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('AddFeedbackForm', () => {
  it('posts the report to the project and clears the form', async () => {
    const calls = stubFetch(() => ({ status: 201, body: { id: 'f1', duplicate: false } }));
    renderWithProviders(<AddFeedbackForm />);

    await userEvent.type(screen.getByLabelText('Title'), ' Export drops a column ');
    await userEvent.type(screen.getByLabelText('Details'), 'The last one.');
    await userEvent.click(screen.getByRole('button', { name: 'Add report' }));

    expect(await screen.findByText('Report added. It is clustered in a moment.')).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/projects/acme/feedback');
    expect(calls[0]?.body).toEqual({ title: 'Export drops a column', body: 'The last one.' });
    await waitFor(() => expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe(''));
  });

  it('asks for text first, and shows a refusal inline', async () => {
    const calls = stubFetch(() =>
      apiError(422, 'validation_failed', 'bad', { issues: [{ path: 'body.title', message: 'too long' }] }),
    );
    renderWithProviders(<AddFeedbackForm />);
    await userEvent.click(screen.getByRole('button', { name: 'Add report' }));
    expect(screen.getByRole('alert').textContent).toBe('Write a title or some details.');
    expect(calls).toHaveLength(0);

    await userEvent.type(screen.getByLabelText('Title'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Add report' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('body.title: too long'));
  });
});
