import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
 * Every page at a phone's width (390 × 844) and a laptop's (1280 × 800), with realistic awkward
 * data (long titles, an unbroken stack-trace line, a long URL): nothing wider than the window, the
 * main navigation reachable, no console error.
 */

/** A Redis database of this file's own (the other dashboard file uses 14). */
const REDIS_DB = 13;
const NAV = ['Overview', 'Clusters', 'Map', 'Feedback', 'Sources', 'Jobs'] as const;
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;
const LONG_LINE =
  "Alpha: TypeError: Cannot read properties of undefined (reading 'map') at renderClusterTableRowWithSparklinesAndSourceBadges (dashboard-bundle-4f9a2c.js:1:48213)";
const REPORTS = [
  { title: LONG_LINE, body: 'Seen on every reload of the clusters page.' },
  {
    title:
      'Alpha: TypeError at https://example.com/acme-corporation/fixloop-dashboard-frontend/clusters?sort=trend&status=triaged&q=a-rather-long-search-term-that-someone-pasted',
    body: 'https://example.com/acme-corporation/fixloop-dashboard-frontend/issues/123456789?utm_source=feedback-widget&utm_medium=in-app',
    url: 'https://example.com/acme-corporation/fixloop-dashboard-frontend/issues/123456789',
    author: 'a-remarkably-long-reporter-handle-without-any-spaces-at-all',
  },
  { title: 'Alpha: TypeError on the clusters page', body: 'Blank screen, then the error above.' },
  { title: 'Beta: Safari hangs at the login page', body: 'Safari 17 on macOS Sonoma.' },
  { title: 'Beta: cannot sign in with Safari', body: 'The button spins forever.' },
  { title: 'A one-off report nobody else sent', body: 'It stays an outlier.' },
];

interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  culprits: string[];
}

/** Runs in the page (as source text: this project's type-check has no DOM library). */
const MEASURE_OVERFLOW = `(() => {
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5) {
      const cls = typeof el.className === 'string' && el.className !== '' ? '.' + el.className.split(' ').join('.') : '';
      culprits.push(el.tagName.toLowerCase() + cls + ' right=' + Math.round(r.right));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    culprits: culprits.slice(0, 8),
  };
})()`;

/** How wide the page is against the window, and the elements that stick out past its right edge. */
function overflowing(page: Page): Promise<Overflow> {
  return page.evaluate<Overflow>(MEASURE_OVERFLOW);
}

describe.skipIf(!available)(
  available
    ? 'every page at 390 and 1280 px'
    : `every page at 390 and 1280 px: skipped, ${CHROMIUM} is missing (apt-get install chromium)`,
  { timeout: 60_000 },
  () => {
    let server: E2eServer;
    let browser: Browser | undefined;
    let clusterId = '';
    let clusterTitle = '';

    beforeAll(async () => {
      await ensureBuilt();
      server = await startServer(inject('redisUrl'), REDIS_DB);
      browser = await launchChromium();
      const res = await server.api('/feedback/import', { method: 'POST', body: REPORTS });
      expect(res.status).toBe(200);
      await server.clusteringSettled();
      const list = (await (await server.api('/clusters?sort=size')).json()) as {
        items: { id: string; title: string; size: number }[];
      };
      const largest = list.items[0];
      if (!largest || largest.size < 2) throw new Error(`no cluster formed: ${JSON.stringify(list)}`);
      clusterId = largest.id;
      clusterTitle = largest.title;
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    }, 30_000);

    for (const viewport of VIEWPORTS) {
      describe(`at ${viewport.width} px`, () => {
        const problems: string[] = [];
        let context: BrowserContext;
        let page: Page;

        beforeAll(async () => {
          context = await (browser as Browser).newContext({ viewport });
          page = await watchedPage(context, problems);
        });
        afterAll(() => context?.close());

        /** No horizontal scrolling, no error logged since the last check; then a screenshot. */
        async function checkPage(name: string): Promise<void> {
          // Nothing still loading: what a person would see once the page has settled.
          await expect.poll(() => page.locator('.state-loading').count()).toBe(0);
          const o = await overflowing(page);
          expect(
            o.scrollWidth,
            `${name} is wider than the window: ${o.culprits.join(', ')}`,
          ).toBeLessThanOrEqual(o.innerWidth);
          await page.screenshot({ path: join(SHOTS, `${name}-${viewport.width}.png`), fullPage: true });
          expect(problems.splice(0)).toEqual([]);
        }

        const navLink = (name: string) =>
          page
            .getByRole('banner')
            .getByRole('navigation', { name: 'Main' })
            .getByRole('link', { name, exact: true });
        const menuButton = () => page.getByRole('banner').getByRole('button', { name: 'Menu' });

        /** Shows the main links: they are visible, or the Menu button reveals them. Answers whether it opened the menu. */
        async function revealNav(): Promise<boolean> {
          const hidden = await Promise.all(NAV.map(async (name) => !(await navLink(name).isVisible())));
          if (!hidden.some(Boolean)) return false;
          expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
          await menuButton().click();
          for (const name of NAV) await navLink(name).waitFor({ state: 'visible' });
          expect(await menuButton().getAttribute('aria-expanded')).toBe('true');
          return true;
        }

        /** Every main link is reachable, and the open menu fits the window; the menu is closed again. */
        async function checkNav(): Promise<void> {
          if (!(await revealNav())) return;
          const o = await overflowing(page);
          expect(
            o.scrollWidth,
            `the open menu is wider than the window: ${o.culprits.join(', ')}`,
          ).toBeLessThanOrEqual(o.innerWidth);
          await page.screenshot({ path: join(SHOTS, `menu-${viewport.width}.png`) });
          await menuButton().click();
          await navLink(NAV[0]).waitFor({ state: 'hidden' });
        }

        it('login', async () => {
          await page.goto(`${server.base}/app/login`);
          await page.getByLabel('API key').waitFor();
          await checkPage('login');
          await signIn(page, server.base, server.adminToken);
        });

        const pages: Array<[string, string, () => string]> = [
          ['overview', '/overview', () => 'Overview'],
          ['clusters', '/clusters', () => 'Clusters'],
          ['cluster-detail', '', () => clusterTitle],
          ['map', '/map', () => 'Map'],
          ['feedback', '/feedback', () => 'Feedback'],
          ['sources', '/sources', () => 'Sources'],
          ['jobs', '/jobs', () => 'Jobs'],
        ];
        for (const [name, path, heading] of pages) {
          it(name, async () => {
            const to = path === '' ? `/clusters/${encodeURIComponent(clusterId)}` : path;
            await page.goto(`${server.base}/app${to}`);
            await page.getByRole('heading', { level: 1, name: heading(), exact: true }).waitFor();
            await checkPage(name);
            await checkNav();
          });
        }

        it('welcome', async () => {
          await page.goto(`${server.base}/app/welcome`);
          await page.getByRole('heading', { level: 1, name: /^Set up / }).waitFor();
          await checkPage('welcome');
          await checkNav();
        });

        it('moves between pages with the main links; a link or Escape closes the menu', async () => {
          for (const name of NAV) {
            const opened = await revealNav();
            await navLink(name).click();
            await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
            if (opened) {
              expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
              expect(await navLink(name).isVisible()).toBe(false);
            }
          }
          if (await revealNav()) {
            await page.keyboard.press('Escape');
            await navLink(NAV[0]).waitFor({ state: 'hidden' });
          }
          expect(problems).toEqual([]);
        });
      });
    }
  },
);
