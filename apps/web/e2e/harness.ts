import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '../../../test-support/free-port.js';
import { createRedis } from '../../server/src/infra/redis.js';
import { openAiApi, openAiControl } from '../../server/test/support/openai-api.js';
import { type StandIn, startStandIn } from '../../server/test/support/stand-ins.js';

/**
 * What the dashboard's end-to-end files share: the build, the real server process on a Redis
 * database of the file's own, Debian's Chromium, and the checks every flow makes of a page.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../../..');
export const SHOTS = join(ROOT, 'test-results');
const WEB = join(ROOT, 'apps/web');
export const chromiumAvailable = existsSync(CHROMIUM);

/** The newest modification time under `path` (files only), skipping tests. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function isBuilt(): boolean {
  const built = join(WEB, 'dist/index.html');
  const sources = Math.max(
    ...['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newest(join(WEB, p))),
    newest(join(ROOT, 'packages/contracts/src')),
  );
  return existsSync(built) && statSync(built).mtimeMs >= sources;
}

/**
 * Builds the dashboard when `apps/web/dist` is missing or older than its sources. Files running at
 * once take turns through a lock directory, so two builds never write `dist` together.
 */
export async function ensureBuilt(): Promise<void> {
  if (isBuilt()) return;
  const lock = join(
    tmpdir(),
    `fixloop-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`,
  );
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than any build is one that a killed run left behind.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 300_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`another build held ${lock} too long`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isBuilt()) execFileSync('npm', ['run', 'build', '-w', '@fixloop/web'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
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
export async function pollPage(page: Page, check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
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

export interface ApiInit {
  method?: string;
  body?: unknown;
  token?: string;
}

/** The real server process (`serve all`) with its stand-ins, on one Redis database and data dir of its own. */
export interface E2eServer {
  base: string;
  adminToken: string;
  api(path: string, init?: ApiInit): Promise<Response>;
  /** Waits until no report waits to be clustered and no run is going on. */
  clusteringSettled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Environment of the server process on top of the defaults; `undefined` removes a default. */
  env?: Record<string, string | undefined>;
}

/** `base` with `overrides` applied, leaving out the variables set to `undefined`. */
function mergeEnv(
  base: Record<string, string | undefined>,
  overrides: Record<string, string | undefined>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...base, ...overrides })) if (v !== undefined) merged[k] = v;
  return merged;
}

/**
 * Starts the server against database `redisDb` of the run's throwaway Redis (emptied first), with
 * OpenAI-style embeddings and Reddit answered by local stand-ins. Each file that runs at the same
 * time as another needs a database of its own.
 */
export async function startServer(
  redisUrlBase: string,
  redisDb: number,
  options: StartOptions = {},
): Promise<E2eServer> {
  const adminToken = `e2e-admin-${randomBytes(16).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'fixloop-e2e-'));
  const redisUrl = `${redisUrlBase}/${redisDb}`;
  const redis = createRedis(redisUrl);
  await redis.flushdb();
  redis.disconnect();

  const stopping: Array<() => Promise<void>> = [];
  const embeddings: StandIn = await startStandIn(openAiApi(openAiControl()));
  stopping.push(() => embeddings.close());
  // Saving subreddits makes the poller read Reddit: it reads this empty listing instead.
  const reddit = await startStandIn(() => ({
    body: { kind: 'Listing', data: { after: null, children: [] } },
  }));
  stopping.push(() => reddit.close());
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let stderr = '';
  let exitedWith: string | null = null;
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps/server/src/bin/serve.ts'), 'all'],
    {
      cwd: ROOT,
      env: mergeEnv(
        {
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
        options.env ?? {},
      ),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  server.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  server.once('exit', (code, signal) => {
    exitedWith = `${code ?? signal} ${stderr}`;
  });
  stopping.unshift(async () => {
    if (exitedWith !== null) return;
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  });
  const stop = async () => {
    for (const s of stopping) await s();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(base, () => exitedWith);
  } catch (e) {
    await stop();
    throw e;
  }

  const api = (path: string, init: ApiInit = {}) =>
    fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? adminToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  async function clusteringSettled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = (await (await api('/clustering/status')).json()) as {
        pendingCount: number;
        isClustering: boolean;
      };
      if (status.pendingCount === 0 && !status.isClustering) return;
      if (Date.now() > deadline) throw new Error(`clustering did not settle: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return { base, adminToken, api, clusteringSettled, stop };
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** An answer of 400 or more that the dashboard asks for on purpose and reads as a normal state. */
export interface ExpectedAnswer {
  method: string;
  status: number;
  /** Matched against the URL's path. */
  path: RegExp;
}

/**
 * The answers every page may get without it being a problem: a cluster without a coding plan yet
 * answers its plan route with 404, which the cluster page shows as "No plan yet".
 */
export const EXPECTED_ANSWERS: readonly ExpectedAnswer[] = [
  { method: 'GET', status: 404, path: /^\/projects\/[^/]+\/clusters\/[^/]+\/plan$/ },
];

function isExpected(
  expected: readonly ExpectedAnswer[],
  method: string,
  status: number,
  url: string,
): boolean {
  if (!URL.canParse(url)) return false;
  const path = new URL(url).pathname;
  return expected.some((e) => e.method === method && e.status === status && e.path.test(path));
}

/**
 * A page that records into `problems` every console error, uncaught error, failed request and
 * answer of 400 or more, except the {@link EXPECTED_ANSWERS} (and the browser's console line about
 * them). A request the page dropped because it navigated away did not fail.
 */
export async function watchedPage(
  context: BrowserContext,
  problems: string[],
  expected: readonly ExpectedAnswer[] = EXPECTED_ANSWERS,
): Promise<Page> {
  mkdirSync(SHOTS, { recursive: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs every answer of 400 or more as "Failed to load resource: … status of 404 …".
    const status = /^Failed to load resource: the server responded with a status of (\d{3})\b/.exec(
      msg.text(),
    );
    if (status && isExpected(expected, 'GET', Number(status[1]), msg.location().url)) return;
    problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !isExpected(expected, r.request().method(), r.status(), r.url())) {
      problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  return page;
}

/** Signs in through the API key form of /app/login and waits for the page it leads to. */
export async function signIn(page: Page, base: string, adminToken: string): Promise<void> {
  await page.goto(`${base}/app/login`);
  await page.getByLabel('API key').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
}
