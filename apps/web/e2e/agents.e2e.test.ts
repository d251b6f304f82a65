import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CART_PY, createAgentRepository, pullRequestApi } from '../../server/test/support/agent-fixture.js';
import { type StandIn, startStandIn } from '../../server/test/support/stand-ins.js';
import {
  chromiumAvailable as available,
  CHROMIUM,
  type E2eServer,
  ensureBuilt,
  launchChromium,
  SHOTS,
  signIn,
  startServer,
  watchedPage,
} from './harness.js';

/*
 * From a cluster to a draft pull request in Chromium: the repository is a bare git origin on this
 * machine, the agent a shell script run by the real worker in bubblewrap, GitHub a local stand-in
 * that opens pull requests. The page generates a plan, starts the fix, follows its live log and
 * shows the pull request; the Jobs page lists the run.
 */

/** A Redis database of this file's own (the other dashboard files use 12, 13 and 14). */
const REDIS_DB = 11;
const TOKEN = `ghp_e2eagent${'0'.repeat(28)}`;
/** Lines the agent prints, slowly enough that the page shows them while the job runs. */
const AGENT_SAYS = ['agent: reading the task', 'agent: patching shop/cart.py', 'agent: done'];

describe.skipIf(!available)(
  available
    ? 'from a cluster to a draft pull request in Chromium'
    : `from a cluster to a draft pull request in Chromium: skipped, ${CHROMIUM} is missing (apt-get install chromium)`,
  { timeout: 60_000 },
  () => {
    const problems: string[] = [];
    let dir = '';
    let github: StandIn;
    let server: E2eServer;
    let browser: Browser | undefined;
    let page: Page;
    let pid = '';
    let clusterPath = '';

    async function shot(name: string, on: Page = page): Promise<void> {
      await on.screenshot({ path: join(SHOTS, `agents-${name}.png`), fullPage: true });
    }
    const nav = (name: string): Locator =>
      page.getByRole('navigation').getByRole('link', { name, exact: true }).first();
    const toast = (text: string | RegExp): Locator =>
      page.getByRole('region', { name: 'Notifications' }).getByText(text);
    const fixPanel = (): Locator => page.getByRole('region', { name: 'Fix', exact: true });
    const planPanel = (): Locator => page.getByRole('region', { name: 'Coding plan' });

    beforeAll(async () => {
      await ensureBuilt();
      const repository = createAgentRepository('fixloop-e2e-agents-', {
        'shop/cart.py': CART_PY,
        'README.md': '# shop\n',
      });
      dir = repository.dir;
      const { origin, scripts } = repository;
      repository.agentDoes(
        [
          'set -e',
          `echo "${AGENT_SAYS[0]}"`,
          'sleep 1',
          `echo "${AGENT_SAYS[1]}"`,
          'printf "    # apply the coupon\\n" >> "$2/shop/cart.py"',
          'echo "agent: a warning on stderr" >&2',
          'sleep 1',
          `echo "${AGENT_SAYS[2]}"`,
        ].join('\n'),
      );
      github = await startStandIn(pullRequestApi());
      server = await startServer(inject('redisUrl'), REDIS_DB, {
        env: {
          // the default, offline representation the sample reports are tuned for
          EMBEDDINGS_PROVIDER: undefined,
          OPENAI_BASE_URL: undefined,
          EMBEDDINGS_MODEL: undefined,
          CLUSTERING_SIM_THRESHOLD: undefined,
          GITHUB_API_URL: github.url,
          ALLOW_LOCAL_REPOSITORIES: 'true',
          CODING_AGENT_COMMAND: `sh ${scripts}/agent.sh {task_file} {workspace}`,
          CODING_AGENT_RO_BINDS: scripts,
          CODING_AGENT_TIMEOUT_S: '60',
        },
      });
      const me = (await (await server.api('/auth/me')).json()) as { projectId: string };
      pid = me.projectId;
      const repo = await server.api(`/projects/${pid}/repository`, {
        method: 'PUT',
        body: { owner: 'acme', name: 'shop', defaultBranch: 'main', cloneUrl: origin },
      });
      expect(repo.status, await repo.text()).toBe(200);
      const secrets = await server.api(`/projects/${pid}/secrets`, {
        method: 'PUT',
        body: { githubToken: TOKEN },
      });
      expect(secrets.status).toBe(204);
      const sample = await server.api(`/projects/${pid}/feedback/sample`, { method: 'POST' });
      expect(sample.status).toBe(200);
      await server.clusteringSettled(45_000);

      browser = await launchChromium();
      page = await watchedPage(
        await browser.newContext({ viewport: { width: 1280, height: 900 } }),
        problems,
      );
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await github?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it('opens a cluster of the sample reports, with no plan yet', async () => {
      await signIn(page, server.base, server.adminToken);
      const first = page.getByRole('table').getByRole('link').first();
      await first.waitFor();
      await first.click();
      await page.getByRole('heading', { level: 2, name: 'Coding plan' }).waitFor();
      clusterPath = new URL(page.url()).pathname;
      expect(clusterPath).toMatch(/^\/app\/clusters\/.+/);
      await planPanel().getByText('No plan yet').waitFor();
    });

    it('generates a plan that cites the reports', async () => {
      await planPanel().getByRole('button', { name: 'Generate plan' }).click();
      await toast('Plan generated.').waitFor({ timeout: 30_000 });
      await planPanel().getByRole('heading', { level: 3 }).waitFor();
      await planPanel()
        .getByText(/^Risk: (low|medium|high)$/)
        .waitFor();
      await planPanel()
        .getByText(/^Based on \d+ reports?$/)
        .waitFor();
      expect(await planPanel().getByRole('button', { name: 'Edit plan' }).isEnabled()).toBe(true);
      await shot('plan');
    });

    it('generates a fix: the live log shows the agent, then the draft pull request', async () => {
      const start = fixPanel().getByRole('button', { name: 'Generate fix' });
      await expect.poll(() => start.isEnabled()).toBe(true);
      await start.click();
      await toast('Fix queued: the agent starts in a moment.').waitFor();

      const log = fixPanel().getByRole('log', { name: 'Agent log' });
      // The agent's first line arrives while the job still runs (it sleeps before the last one).
      await log.getByText(AGENT_SAYS[0] as string).waitFor({ timeout: 30_000 });
      expect(await fixPanel().getByRole('status').first().textContent()).toContain('Following the log live.');
      expect(await start.isDisabled()).toBe(true);
      await shot('fix-running');

      await log.getByText(AGENT_SAYS[2] as string).waitFor({ timeout: 30_000 });
      await fixPanel().getByText('Succeeded', { exact: true }).waitFor({ timeout: 30_000 });
      const pr = fixPanel().getByRole('link', { name: /^Draft pull request #1/ });
      await pr.waitFor();
      expect(await pr.getAttribute('href')).toBe('https://github.com/acme/shop/pull/1');
      expect(await pr.getAttribute('target')).toBe('_blank');
      expect(await log.locator('.log-stderr').getByText('agent: a warning on stderr').count()).toBe(1);
      expect(
        await fixPanel()
          .getByText(/^fixloop\//)
          .count(),
      ).toBe(1);
      expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('pr_opened');
      await expect.poll(() => start.isEnabled()).toBe(true);
      await shot('fix-done');
    });

    it('lists the run on Jobs → Agent jobs, with its pull request and log', async () => {
      await nav('Jobs').click();
      await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
      await page.getByRole('tab', { name: 'Agent jobs' }).click();
      const table = page.getByRole('table', { name: 'Agent jobs, newest first' });
      const row = table.getByRole('row').nth(1);
      await row.getByText('Succeeded').waitFor();
      expect(await table.getByRole('row').count()).toBe(2);
      expect(await row.getByRole('link', { name: /^Draft pull request #1/ }).getAttribute('href')).toBe(
        'https://github.com/acme/shop/pull/1',
      );
      await row.getByRole('button', { name: /^Log/ }).click();
      await page
        .getByRole('log')
        .getByText(AGENT_SAYS[1] as string)
        .waitFor();
      await shot('jobs');

      await row.getByRole('link', { name: /^Cluster / }).click();
      expect(new URL(page.url()).pathname).toBe(clusterPath);
    });

    it('turns fixes off on Sources → Automation, and the cluster page says so', async () => {
      await nav('Sources').click();
      const plansOnly = page.getByRole('radio', { name: 'Plans only' });
      await plansOnly.check();
      await page.getByRole('button', { name: 'Save automation' }).click();
      await toast('Automation set to Plans only.').waitFor();

      await page.goto(`${server.base}${clusterPath}`);
      const start = fixPanel().getByRole('button', { name: 'Generate fix' });
      await fixPanel()
        .getByText(/automation stops at coding plans/)
        .waitFor();
      expect(await start.isDisabled()).toBe(true);
      await fixPanel().getByRole('link', { name: 'Allow draft pull requests on Sources' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor();
      await page.getByRole('radio', { name: 'Draft pull requests' }).check();
      await page.getByRole('button', { name: 'Save automation' }).click();
      await toast('Automation set to Draft pull requests.').waitFor();
    });

    it('fits a phone: the plan, the fix and its log at 390 px', async () => {
      const narrow = await (browser as Browser).newContext({ viewport: { width: 390, height: 844 } });
      const phone = await watchedPage(narrow, problems);
      await signIn(phone, server.base, server.adminToken);
      await phone.goto(`${server.base}${clusterPath}`);
      await phone.getByRole('link', { name: /^Draft pull request #1/ }).waitFor();
      await phone.getByRole('button', { name: 'Show log' }).click();
      await phone
        .getByRole('log')
        .getByText(AGENT_SAYS[2] as string)
        .waitFor();
      const width = await phone.evaluate<{ scroll: number; inner: number }>(
        '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
      );
      expect(width.scroll).toBeLessThanOrEqual(width.inner);
      await shot('phone', phone);
      await narrow.close();
    });

    it('logged no console error and no failed request', () => {
      expect(problems).toEqual([]);
    });
  },
);
