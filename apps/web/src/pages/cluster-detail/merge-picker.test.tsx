// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeCluster, makeDetail } from '../../testing/fixtures';
import { apiError, renderWithProviders, stubFetch } from '../../testing/render';
import { MergePicker } from './merge-picker';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const results = {
  items: [
    makeCluster({ id: 'target', title: 'Safari checkout broken' }),
    makeCluster({ id: 'c2', title: 'Safari pay button dead', size: 2 }),
    makeCluster({ id: 'c3', title: 'Checkout on Safari 17', size: 1 }),
  ],
};

describe('MergePicker', () => {
  it('searches other clusters, outliers included, and never offers this one', async () => {
    const calls = stubFetch(() => ({ body: results }));
    renderWithProviders(<MergePicker clusterId="target" />);

    await userEvent.type(screen.getByLabelText('Find clusters to merge'), 'safari');

    expect(await screen.findByRole('checkbox', { name: /Safari pay button dead/ })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: /Checkout on Safari 17/ })).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: /Safari checkout broken/ })).toBeNull();
    const search = calls.at(-1)?.url;
    expect(search?.pathname).toBe('/projects/acme/clusters');
    expect(search?.searchParams.get('q')).toBe('safari');
    expect(search?.searchParams.get('minSize')).toBe('1');
  });

  it('merges the picked clusters into this one and says so', async () => {
    const calls = stubFetch(({ method }) =>
      method === 'POST' ? { body: makeDetail({ id: 'target', size: 6 }) } : { body: results },
    );
    renderWithProviders(<MergePicker clusterId="target" />);
    const merge = screen.getByRole('button', { name: /Merge .*into this one/ });
    expect(merge.hasAttribute('disabled')).toBe(true);

    await userEvent.type(screen.getByLabelText('Find clusters to merge'), 'safari');
    await userEvent.click(await screen.findByRole('checkbox', { name: /Safari pay button dead/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Checkout on Safari 17/ }));
    expect(screen.getByRole('button', { name: 'Merge 2 clusters into this one' })).toBeTruthy();

    // A picked cluster can be dropped again from the chips.
    await userEvent.click(screen.getByRole('button', { name: 'Remove Checkout on Safari 17' }));
    await userEvent.click(screen.getByRole('button', { name: 'Merge 1 cluster into this one' }));

    expect(await screen.findByText('Merged 1 cluster into this one (6 reports).')).toBeTruthy();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/projects/acme/clusters/target/merge');
    expect(post?.body).toEqual({ clusterIds: ['c2'] });
    await waitFor(() =>
      expect((screen.getByLabelText('Find clusters to merge') as HTMLInputElement).value).toBe(''),
    );
  });

  it('keeps the choice and reports the error when the merge is refused', async () => {
    stubFetch(({ method }) =>
      method === 'POST'
        ? apiError(404, 'not_found', 'cluster c2 not found', { missing: ['c2'] })
        : { body: results },
    );
    renderWithProviders(<MergePicker clusterId="target" />);

    await userEvent.type(screen.getByLabelText('Find clusters to merge'), 'safari');
    await userEvent.click(await screen.findByRole('checkbox', { name: /Safari pay button dead/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Merge 1 cluster into this one' }));

    expect(await screen.findByText('Merge failed: cluster c2 not found')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Merge 1 cluster into this one' })).toBeTruthy();
  });

  it('says when nothing else matches', async () => {
    stubFetch(() => ({ body: { items: [results.items[0]] } }));
    renderWithProviders(<MergePicker clusterId="target" />);

    await userEvent.type(screen.getByLabelText('Find clusters to merge'), 'zzz');

    expect(await screen.findByText('No other cluster matches “zzz”.')).toBeTruthy();
  });
});
