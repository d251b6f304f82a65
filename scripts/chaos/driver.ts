/**
 * The chaos run's ingestion driver, a child process of scripts/chaos.ts: an at-least-once client
 * of every ingest route (it resends what was not acknowledged, with the same external ids, until a
 * 2xx), the Reddit stand-in the poller reads (a growing list of posts), and a user starting fixes.
 * It records every acknowledged item and hands the ledger to the parent.
 */
import { redditListing, redditPost, startStandIn } from '../../apps/server/test/support/stand-ins.js';
import { githubIssueEvent, report, sentryEventAlert } from './payloads.js';
import type { DriverStart, FromDriver, Ledger, ToDriver } from './protocol.js';
import { Random } from './random.js';

interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sent with the project's API key (webhooks carry a signature instead). */
  keyed?: boolean;
}

const MAX_REDDIT_POSTS = 95; // the poller reads the newest 100: every post stays visible
const ledger: Ledger = {
  acknowledged: [],
  redditPosts: [],
  requests: 0,
  retries: 0,
  byKind: {},
  statuses: {},
  longestWaitMs: 0,
  unexpected: [],
  unacknowledged: [],
  fixesStarted: 0,
};
const redditChildren: unknown[] = [];
let producing = false;
let giveUpAt = Number.POSITIVE_INFINITY;
let cfg: DriverStart;
let rnd = new Random(1);

const send = (msg: FromDriver) => process.send?.(msg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome = { kind: 'ok'; body: unknown } | { kind: 'retry' } | { kind: 'refused'; why: string };

async function attempt(req: Req): Promise<Outcome> {
  ledger.requests++;
  const headers: Record<string, string> = { ...req.headers };
  if (req.keyed) headers.authorization = `Bearer ${cfg.apiKey}`;
  try {
    const res = await fetch(`${cfg.base}${req.path}`, {
      method: req.method,
      headers,
      body: req.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    ledger.statuses[res.status] = (ledger.statuses[res.status] ?? 0) + 1;
    if (res.ok) return { kind: 'ok', body: text === '' ? null : JSON.parse(text) };
    if (res.status === 429 || res.status >= 500) return { kind: 'retry' };
    return { kind: 'refused', why: `${res.status} ${text.slice(0, 300)}` };
  } catch {
    ledger.statuses.network = (ledger.statuses.network ?? 0) + 1;
    return { kind: 'retry' };
  }
}

/** Sends until acknowledged (or the driver gives up after the run); answers the 2xx body. */
async function deliver(label: string, req: Req): Promise<unknown> {
  const first = Date.now();
  for (let n = 0; ; n++) {
    if (n > 0) ledger.retries++;
    const outcome = await attempt(req);
    if (outcome.kind === 'ok') {
      if (n > 0) ledger.longestWaitMs = Math.max(ledger.longestWaitMs, Date.now() - first);
      return outcome.body;
    }
    if (outcome.kind === 'refused') {
      ledger.unexpected.push(`${label}: ${outcome.why}`);
      return undefined;
    }
    if (Date.now() > giveUpAt) {
      ledger.unacknowledged.push(label);
      return undefined;
    }
    await sleep(Math.min(2_000, 50 * 2 ** Math.min(n, 6)) * (0.5 + rnd.next()));
  }
}

function acknowledge(kind: string, source: string, externalId: string): void {
  ledger.acknowledged.push([source, externalId]);
  ledger.byKind[kind] = (ledger.byKind[kind] ?? 0) + 1;
}

const json = (value: unknown): Pick<Req, 'headers' | 'body'> => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

async function manual(n: number): Promise<void> {
  const externalId = `m-${n}`;
  const ok = await deliver(`manual ${externalId}`, {
    method: 'POST',
    path: `/projects/${cfg.projectId}/feedback`,
    keyed: true,
    ...json({ ...report(rnd), externalId }),
  });
  if (ok) acknowledge('manual', 'manual', externalId);
}

async function importBatch(n: number, format: 'json' | 'ndjson'): Promise<void> {
  const rows = Array.from({ length: rnd.int(5, 25) }, (_, i) => ({
    ...report(rnd),
    externalId: `${format === 'json' ? 'j' : 'n'}-${n}-${i}`,
  }));
  const body =
    format === 'json'
      ? json(rows)
      : {
          headers: { 'content-type': 'application/x-ndjson' },
          body: `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
        };
  const result = (await deliver(`import-${format} ${n}`, {
    method: 'POST',
    path: `/projects/${cfg.projectId}/feedback/import`,
    keyed: true,
    ...body,
  })) as { results: Array<{ index: number; status: string; error?: unknown }> } | undefined;
  for (const r of result?.results ?? []) {
    const row = rows[r.index];
    if (!row) continue;
    if (r.status === 'created' || r.status === 'duplicate')
      acknowledge(`import-${format}`, 'manual', row.externalId);
    else ledger.unexpected.push(`import row ${row.externalId}: ${JSON.stringify(r.error)}`);
  }
}

const githubAcked: number[] = [];
async function github(n: number): Promise<void> {
  const edit = githubAcked.length > 0 && rnd.next() < 0.15;
  const number = edit ? rnd.pick(githubAcked) : n;
  const hook = githubIssueEvent(
    cfg.projectId,
    cfg.githubSecret,
    edit ? 'edited' : 'opened',
    number,
    report(rnd),
  );
  const ok = await deliver(`github #${number}`, { method: 'POST', ...hook });
  if (ok && !edit) {
    githubAcked.push(number);
    acknowledge('github', 'github', `acme/shop#${number}`);
  }
}

const sentryAcked: string[] = [];
async function sentry(n: number): Promise<void> {
  const again = sentryAcked.length > 0 && rnd.next() < 0.1;
  const issueId = again ? rnd.pick(sentryAcked) : String(5_000_000_000 + n);
  const hook = sentryEventAlert(cfg.projectId, cfg.sentrySecret, issueId, report(rnd));
  const ok = await deliver(`sentry ${issueId}`, { method: 'POST', ...hook });
  if (ok && !again) {
    sentryAcked.push(issueId);
    acknowledge('sentry', 'sentry', issueId);
  }
}

/** A new post on the stand-in now and then, and a nudge to poll (the schedule polls anyway). */
async function reddit(n: number): Promise<void> {
  if (redditChildren.length < MAX_REDDIT_POSTS) {
    const id = `cx${n.toString(36)}`;
    const text = report(rnd);
    redditChildren.push(
      redditPost(cfg.subreddit, id, {
        title: text.title,
        selftext: text.body,
        created_utc: Date.now() / 1000,
      }),
    );
    ledger.redditPosts.push(id);
  }
  await nudgePoll();
}

async function nudgePoll(): Promise<void> {
  const res = await attempt({
    method: 'POST',
    path: `/projects/${cfg.projectId}/ingest/reddit/poll`,
    keyed: true,
  });
  if (res.kind === 'refused') ledger.unexpected.push(`reddit poll: ${res.why}`);
}

/** A user asking for a fix on some cluster: starts agent jobs that the kills then interrupt. */
async function startFix(): Promise<void> {
  const page = await attempt({
    method: 'GET',
    path: `/projects/${cfg.projectId}/clusters?limit=50`,
    keyed: true,
  });
  if (page.kind !== 'ok') return;
  const clusters = (page.body as { items: Array<{ id: string; status: string }> }).items.filter(
    (c) => c.status !== 'fixing',
  );
  if (clusters.length === 0) return;
  const target = rnd.pick(clusters);
  const res = await attempt({
    method: 'POST',
    path: `/projects/${cfg.projectId}/clusters/${target.id}/start_fix`,
    keyed: true,
  });
  if (res.kind === 'ok') ledger.fixesStarted++;
  // 409 (a fix is active on that cluster) and 429 (the project's concurrent runs) are expected.
  else if (res.kind === 'refused' && !/^(409|429) /.test(res.why))
    ledger.unexpected.push(`start_fix: ${res.why}`);
}

async function loop(gapMs: number, step: (n: number) => Promise<void>): Promise<void> {
  for (let n = 1; producing; n++) {
    await step(n);
    await sleep(gapMs * (0.5 + rnd.next()));
  }
}

async function run(start: DriverStart): Promise<void> {
  cfg = start;
  rnd = new Random(start.seed);
  producing = true;
  const progress = setInterval(
    () => send({ type: 'progress', acknowledged: ledger.acknowledged.length }),
    1_000,
  );
  const loops = [
    loop(60, (n) => manual(2 * n)),
    loop(60, (n) => manual(2 * n + 1)),
    loop(700, (n) => importBatch(n, 'json')),
    loop(700, (n) => importBatch(n, 'ndjson')),
    loop(150, github),
    loop(150, sentry),
    loop(1_200, reddit),
  ];
  if (start.fixEveryMs > 0) loops.push(loop(start.fixEveryMs, startFix));
  await Promise.all(loops);
  clearInterval(progress);
  send({ type: 'done', ledger });
}

async function main(): Promise<void> {
  const stand = await startStandIn((req) => {
    if (req.method === 'GET' && /^\/r\/[^/]+\/new\.json$/.test(req.path)) {
      const limit = Number(req.query.get('limit') ?? '25');
      // Newest first, at most `limit`, as Reddit lists /new (the run's one subreddit).
      return { body: redditListing(redditChildren.slice(-limit).reverse()) };
    }
    return { status: 404, body: { message: 'Not Found', error: 404 } };
  });
  let started: Promise<void> | undefined;
  process.on('message', (msg: ToDriver) => {
    if (msg.type === 'start') started = run(msg);
    else {
      producing = false;
      giveUpAt = Date.now() + msg.settleMs;
      void started;
    }
  });
  // The parent going away ends the driver (and the Reddit stand-in with it).
  process.on('disconnect', () => {
    void stand.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', redditUrl: stand.url });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
