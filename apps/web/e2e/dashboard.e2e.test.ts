import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  chromiumAvailable as available,
  CHROMIUM,
  type E2eServer,
  ensureBuilt,
  launchChromium,
  pollPage,
  SHOTS,
  startServer,
  watchedPage,
} from './harness.js';

/*
 * The dashboard in real Chromium (Debian's package, driven by playwright-core) against the real
 * server process and a real Redis: every flow asserts what a person sees on the page.
 */

/** A Redis database no other test file uses (contexts take 1–15 by worker, with at most a few workers). */
const REDIS_DB = 14;

describe.skipIf(!available)(
  available
    ? 'the dashboard in Chromium'
    : `the dashboard in Chromium: skipped, ${CHROMIUM} is missing (apt-get install chromium)`,
  { timeout: 60_000 },
  () => {
    const problems: string[] = [];
    let server: E2eServer;
    let base = '';
    let browser: Browser | undefined;
    let page: Page;
    /** Report ids by topic, from the import. */
    const ids: Record<string, string[]> = {};

    const api = (...args: Parameters<E2eServer['api']>) => server.api(...args);

    async function shot(name: string): Promise<void> {
      await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });
    }

    /** The value of one of the cluster page's facts ("Reports", "Reporters", …). */
    const fact = (name: string): Locator => page.locator(`.facts dt:text-is("${name}") + dd`);
    const nav = (name: string): Locator =>
      page.getByRole('navigation').getByRole('link', { name, exact: true }).first();
    const toast = (text: string | RegExp): Locator =>
      page.getByRole('region', { name: 'Notifications' }).getByText(text);

    beforeAll(async () => {
      await ensureBuilt();
      server = await startServer(inject('redisUrl'), REDIS_DB);
      base = server.base;
      browser = await launchChromium();
      page = await watchedPage(
        await browser.newContext({ viewport: { width: 1280, height: 900 } }),
        problems,
      );
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    }, 30_000);

    it('signs in through the form, into first-run setup while the project has no report', async () => {
      await page.goto(`${base}/app/login`);
      await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
      await shot('login');
      await page.getByLabel('API key').fill(server.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: /^Set up / }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/welcome');

      await page.getByRole('button', { name: 'Skip setup' }).click();
      await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/clusters');
    });

    it('adds feedback by hand and by import, and shows it clustered', async () => {
      await nav('Feedback').click();
      await page.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
      await page.getByLabel('Title').fill('Alpha: CSV export drops the last column');
      await page.getByLabel('Details').fill('The exported file has one column fewer than the table.');
      await page.getByRole('button', { name: 'Add report' }).click();
      await toast('Report added. It is clustered in a moment.').waitFor();
      await page.getByRole('row').filter({ hasText: 'Alpha: CSV export drops the last column' }).waitFor();

      // Let the run for this report finish first: a run that finds the project busy backs off
      // exponentially, which would make the import's wait below long and uneven.
      await server.clusteringSettled();

      const topics: Record<string, string[]> = {
        alpha: [
          'Alpha: CSV export loses its last column',
          'Alpha: exported CSV misses a column',
          'Alpha: CSV export is one column short',
        ],
        beta: [
          'Beta: login freezes on Safari',
          'Beta: Safari hangs at the login page',
          'Beta: cannot log in with Safari 17',
        ],
        gamma: [
          'Gamma: dark mode resets after login',
          'Gamma: theme setting forgotten',
          'Gamma: dark mode turns itself off',
        ],
        delta: ['Delta: password reset mail never arrives', 'Delta: no reset email received'],
      };
      const rows = Object.entries(topics).flatMap(([topic, titles]) =>
        titles.map((title) => ({ topic, title })),
      );
      const res = await api('/feedback/import', {
        method: 'POST',
        body: rows.map(({ title }) => ({ title })),
      });
      expect(res.status).toBe(200);
      const imported = (await res.json()) as { created: number; results: { id: string }[] };
      expect(imported.created).toBe(rows.length);
      rows.forEach(({ topic }, i) => {
        ids[topic] = [...(ids[topic] ?? []), imported.results[i]?.id ?? ''];
      });

      await nav('Clusters').click();
      const table = page.getByRole('table');
      const sizeOf = (text: string) =>
        table
          .getByRole('row')
          .filter({ hasText: text })
          .locator('td[data-label="Size"]')
          .textContent({ timeout: 1_000 });
      await pollPage(page, async () => {
        // the list has loaded (a table, or "No clusters yet.") and is not refetching
        await page.locator('#clusters-panel [aria-busy="false"]').waitFor();
        expect(await table.getByRole('row').count()).toBe(5); // the header and four clusters
        expect(await sizeOf('CSV')).toBe('4');
        expect(await sizeOf('Safari')).toBe('3');
        expect(await sizeOf('Gamma')).toBe('3');
        expect(await sizeOf('Delta')).toBe('2');
      });
      await shot('clusters');

      await nav('Feedback').click();
      await page.getByRole('link', { name: 'Open cluster' }).first().waitFor();
      await shot('feedback');
    });

    it('renames a cluster and sets its status', async () => {
      await nav('Clusters').click();
      await page.getByRole('table').getByRole('link', { name: /CSV/ }).click();
      await page.getByRole('button', { name: 'Rename' }).waitFor();
      expect(await fact('Reports').textContent()).toBe('4');

      await page.getByRole('button', { name: 'Rename' }).click();
      await page.getByLabel('Cluster title').fill('CSV export loses a column');
      await page.getByRole('button', { name: 'Save' }).click();
      await toast('Cluster renamed.').waitFor();
      await page.getByRole('heading', { level: 1, name: 'CSV export loses a column' }).waitFor();

      await page.getByLabel('Status', { exact: true }).selectOption('triaged');
      await toast('Status set to Triaged.').waitFor();

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'CSV export loses a column' }).waitFor();
      expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('triaged');
      await page.getByRole('heading', { name: 'History' }).waitFor();
    });

    it('merges two clusters, splits selected reports out, and moves a report in by id', async () => {
      await page.getByLabel('Find clusters to merge').fill('Safari');
      await page.getByRole('checkbox', { name: /Safari/ }).check();
      await page.getByRole('button', { name: 'Merge 1 cluster into this one' }).click();
      await toast('Merged 1 cluster into this one (7 reports).').waitFor();
      await expect.poll(() => fact('Reports').textContent()).toBe('7');

      const beta = page.getByRole('checkbox', { name: /^Select “Beta:/ });
      await expect.poll(() => beta.count()).toBe(3);
      for (const box of await beta.all()) await box.check();
      await page.getByRole('button', { name: 'Split selected (3) into a new cluster' }).click();
      await toast(/^Split 3 reports into “.+”\.$/).waitFor();
      await expect.poll(() => fact('Reports').textContent()).toBe('4');
      await page.getByRole('link', { name: 'Open the new cluster' }).waitFor();
      expect(await beta.count()).toBe(0);

      const gammaId = ids.gamma?.[0] ?? '';
      await page.getByLabel('Feedback ids').fill(gammaId);
      await page.getByRole('button', { name: 'Move into this cluster' }).click();
      await toast('Moved 1 report into this cluster.').waitFor();
      await expect.poll(() => fact('Reports').textContent()).toBe('5');
      await page.getByText(gammaId).waitFor();
      await shot('cluster-detail');

      await page.getByRole('link', { name: 'Open the new cluster' }).click();
      await expect.poll(() => fact('Reports').textContent()).toBe('3');
      expect(await page.getByRole('checkbox', { name: /^Select “Beta:/ }).count()).toBe(3);
    });

    it('saves subreddits on Sources', async () => {
      await nav('Sources').click();
      await page.getByLabel('Subreddits').fill('fixloop, r/webdev');
      await page.getByRole('button', { name: 'Save subreddits' }).click();
      await toast('Polling r/fixloop, r/webdev.').waitFor();
      await page.reload();
      await expect.poll(() => page.getByLabel('Subreddits').inputValue()).toBe('fixloop, webdev');
    });

    it('creates an API key, shown once, and revokes it', async () => {
      await page.getByLabel('Key name').fill('e2e key');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.getByLabel('New API key').inputValue();
      expect(key).toMatch(/^flk_/);
      const keys = page.getByRole('list', { name: 'Project keys' });
      await keys.getByText('e2e key').waitFor();
      expect((await api('/auth/me', { token: key })).status).toBe(200);
      await shot('sources');

      await page.getByRole('button', { name: 'Revoke e2e key' }).click();
      await toast('Key “e2e key” revoked.').waitFor();
      await expect.poll(() => page.getByRole('button', { name: 'Revoke e2e key' }).count()).toBe(0);
      await expect.poll(() => page.getByLabel('New API key').count()).toBe(0);
      expect((await api('/auth/me', { token: key })).status).toBe(401);

      await page.reload();
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      expect(await page.getByLabel('New API key').count()).toBe(0);
      expect(await page.getByText('e2e key').count()).toBe(0);
    });

    it('opens a cluster from the map', async () => {
      await nav('Map').click();
      const circles = page.locator('svg.cluster-map a');
      await page.locator('a[aria-label^="CSV export loses a column: 5 reports, Triaged"]').waitFor();
      // alpha (5, with the moved gamma report), the split-off beta (3), gamma (2) and delta (2)
      expect(await circles.count()).toBe(4);
      await shot('map');
      // The last circle drawn is on top of any it overlaps, so a click always reaches it.
      const top = circles.last();
      const label = (await top.getAttribute('aria-label')) ?? '';
      const href = await top.getAttribute('href');
      const [, title = '', size = ''] = /^(.*): (\d+) reports?, /.exec(label) ?? [];
      await top.click();
      await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
      expect(await fact('Reports').textContent()).toBe(size);
      expect(new URL(page.url()).pathname).toBe(href);
    });

    it('shows Overview and Jobs', async () => {
      await nav('Overview').click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await shot('overview');
      await nav('Jobs').click();
      await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
      await shot('jobs');
    });

    it('logged no console error and no failed request', () => {
      expect(problems).toEqual([]);
    });
  },
);
