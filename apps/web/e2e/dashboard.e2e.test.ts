import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test-support/free-port.js';
import { createRedis } from '../../server/src/infra/redis.js';
import { openAiApi, openAiControl } from '../../server/test/support/openai-api.js';
import { type StandIn, startStandIn } from '../../server/test/support/stand-ins.js';

/**
 * The dashboard in real Chromium (Debian's package, driven by playwright-core) against the real
 * server process and a real Redis: every flow asserts what a person sees on the page.
 */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../../..');
const WEB = join(ROOT, 'apps/web');
const SHOTS = join(ROOT, 'test-results');
/** A Redis database no other test file uses (contexts take 1–15 by worker, with at most a few workers). */
const REDIS_DB = 14;

/** The newest modification time under `path` (files only), skipping tests. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds the dashboard when `apps/web/dist` is missing or older than its sources. */
function ensureBuilt(): void {
  const built = join(WEB, 'dist/index.html');
  const sources = Math.max(
    ...['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newest(join(WEB, p))),
    newest(join(ROOT, 'packages/contracts/src')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '-w', '@fixloop/web'], { cwd: ROOT, stdio: 'pipe' });
}

async function waitReady(base: string, exited: () => string | null, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = exited();
    if (why !== null) throw new Error(`the server exited early: ${why}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become ready');
}

/** Reloads `page` until `check` passes, or fails with its last error at the deadline. */
async function pollPage(page: Page, check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
}

const available = existsSync(CHROMIUM);

describe.skipIf(!available)(
  available
    ? 'the dashboard in Chromium'
    : `the dashboard in Chromium: skipped, ${CHROMIUM} is missing (apt-get install chromium)`,
  { timeout: 60_000 },
  () => {
    const adminToken = `e2e-admin-${randomBytes(16).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'fixloop-e2e-'));
    const problems: string[] = [];
    let base = '';
    let stderr = '';
    let exitedWith: string | null = null;
    let server: ReturnType<typeof spawn> | undefined;
    let embeddings: StandIn | undefined;
    let reddit: StandIn | undefined;
    let browser: Browser | undefined;
    let page: Page;
    /** Report ids by topic, from the import. */
    const ids: Record<string, string[]> = {};

    async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
      return fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.token ?? adminToken}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    }

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
      ensureBuilt();
      mkdirSync(SHOTS, { recursive: true });

      const redisUrl = `${inject('redisUrl')}/${REDIS_DB}`;
      const redis = createRedis(redisUrl);
      await redis.flushdb();
      redis.disconnect();

      embeddings = await startStandIn(openAiApi(openAiControl()));
      // Saving subreddits makes the poller read Reddit: it reads this empty listing instead.
      reddit = await startStandIn(() => ({ body: { kind: 'Listing', data: { after: null, children: [] } } }));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'apps/server/src/bin/serve.ts'), 'all'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            LOG_LEVEL: 'warn',
            REDIS_URL: redisUrl,
            DATA_DIR: dataDir,
            ADMIN_TOKEN: adminToken,
            QUEUE_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
            PORT: String(port),
            PUBLIC_URL: base,
            EMBEDDINGS_PROVIDER: 'openai',
            OPENAI_BASE_URL: `${embeddings.url}/v1`,
            EMBEDDINGS_MODEL: 'test',
            CLUSTERING_SIM_THRESHOLD: '0.8',
            CLUSTERING_DEBOUNCE_MS: '0',
            REDDIT_BASE_URL: reddit.url,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      server.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      server.once('exit', (code, signal) => {
        exitedWith = `${code ?? signal} ${stderr}`;
      });
      await waitReady(base, () => exitedWith);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      // A request the page dropped because it navigated away (ERR_ABORTED) did not fail.
      page.on('requestfailed', (r) => {
        const why = r.failure()?.errorText ?? '';
        if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      if (server && exitedWith === null) {
        const exited = new Promise((done) => server?.once('exit', done));
        server.kill('SIGTERM');
        await exited;
      }
      await embeddings?.close();
      await reddit?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }, 30_000);

    it('signs in through the form', async () => {
      await page.goto(`${base}/app/login`);
      await expect.poll(() => page.getByLabel('API key').isVisible()).toBe(true);
      await shot('login');
      await page.getByLabel('API key').fill(adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
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
      await expect
        .poll(
          async () => {
            const status = (await (await api('/clustering/status')).json()) as {
              pendingCount: number;
              isClustering: boolean;
            };
            return status.pendingCount === 0 && !status.isClustering;
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);

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
