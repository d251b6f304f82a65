/**
 * The `bench:api` question of whether clustering stays off the API's path: ingestion p99 at a fixed
 * rate while nothing else runs, then while a 10,000-report project is clustered for the first time
 * and while it is reclustered, against the target (under twice the idle p99 and under 100 ms).
 */

import { latencyOf, type Outcome, runOpenLoop } from './bench-api-load.js';
import { ingestOp } from './bench-api-mix.js';
import { type ClusterJobRecord, reportMaker, waitClusteringIdle, waitJob } from './bench-api-seed.js';
import { api } from './bench-support.js';

export interface JobPhaseOptions {
  bases: string[];
  adminToken: string;
  /** The seeded project's key: ingestion goes there throughout. */
  token: string;
  rate: number;
  idleS: number;
  jobReports: number;
  /** What the servers and Redis did since the last call (see ServerWatch). */
  observe: () => Promise<string>;
}

export interface Window {
  name: string;
  p50: number;
  p99: number;
  n: number;
  failures: number;
  seconds: number;
  loop: string;
}

const inWindow = (xs: Outcome[], from: number, to: number) =>
  xs.filter((x) => x.dueMs >= from && x.dueMs <= to);
const failed = (xs: Outcome[]) => xs.filter((x) => x.status < 200 || x.status >= 300).length;

function windowOf(name: string, xs: Outcome[], from: number, to: number, loop: string): Window {
  const w = inWindow(xs, from, to);
  const l = latencyOf(w);
  return { name, p50: l.p50, p99: l.p99, n: l.n, failures: failed(w), seconds: (to - from) / 1_000, loop };
}

/** Ingestion alone, idle; then the same during the first clustering and a recluster of `jobReports` reports. */
export async function runJobPhase(o: JobPhaseOptions): Promise<Window[]> {
  const base = o.bases[0] as string;
  await waitClusteringIdle(base, o.token);
  const make = reportMaker(77);
  await o.observe();
  const idle = await runOpenLoop({
    bases: o.bases,
    token: o.token,
    rate: o.rate,
    durationS: o.idleS,
    next: ingestOp(make, 'idle'),
  });
  const idleNotes = await o.observe();
  const windows = [windowOf('idle', idle.outcomes, 0, Number.POSITIVE_INFINITY, idleNotes)];
  windows[0] = { ...(windows[0] as Window), seconds: idle.seconds };

  const project = await api<{ project: { id: string }; apiKey: string }>(
    base,
    o.adminToken,
    'POST',
    '/projects',
    {
      name: `bench job ${Date.now()}`,
    },
  );
  const key = project.apiKey;
  let stop = false;
  const loop = runOpenLoop({
    bases: o.bases,
    token: o.token,
    rate: o.rate,
    durationS: 3_600,
    next: ingestOp(make, 'during'),
    shouldStop: () => stop,
  });
  const jobs: Array<{ name: string; job: ClusterJobRecord; loop: string }> = [];
  try {
    // One request, so one trigger and one clustering run takes all of them.
    const makeJob = reportMaker(5);
    const rows = Array.from({ length: o.jobReports }, (_, i) => makeJob(i, 'job'));
    await api(base, key, 'POST', '/feedback/import', rows);
    const first = await startedJob(base, key);
    await o.observe();
    jobs.push({
      name: `first clustering of ${o.jobReports}`,
      job: await waitJob(base, key, first),
      loop: await o.observe(),
    });
    const asked = await api<{ id: string }>(base, key, 'POST', '/clusters/recluster');
    await o.observe();
    jobs.push({
      name: `recluster of ${o.jobReports}`,
      job: await waitJob(base, key, asked.id),
      loop: await o.observe(),
    });
  } finally {
    stop = true;
  }
  const during = await loop;
  for (const { name, job, loop: delay } of jobs) {
    const from = Date.parse(job.startedAt ?? '');
    const to = Date.parse(job.finishedAt ?? '');
    const w = windowOf(name, during.outcomes, from, to, delay);
    windows.push({ ...w, name: `${name} (${job.status}, ${job.stats.clustered} clustered)` });
  }
  return windows;
}

/** The id of the project's clustering run once it is running (the import queued it, debounced). */
async function startedJob(base: string, key: string): Promise<string> {
  for (;;) {
    const s = await api<{ isClustering: boolean; lastJob?: { id: string; status: string } }>(
      base,
      key,
      'GET',
      '/clustering/status',
    );
    if (s.lastJob && s.lastJob.status !== 'pending') return s.lastJob.id;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Prints the windows and the verdict of each job window against the idle one. */
export function printJobPhase(title: string, windows: Window[], rate: number): boolean {
  const idle = windows[0] as Window;
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
  console.log(`\n${title} — single-item POST /feedback at ${rate}/s, open loop`);
  let pass = true;
  for (const w of windows) {
    const verdict =
      w === idle
        ? ''
        : w.p99 < 2 * idle.p99 && w.p99 < 100
          ? '  PASS'
          : `  FAIL (target < ${fmt(Math.min(2 * idle.p99, 100))} ms)`;
    if (verdict.startsWith('  FAIL')) pass = false;
    console.log(
      `  ${w.name.padEnd(48)} ${fmt(w.seconds).padStart(7)} s  n ${String(w.n).padStart(6)}  ` +
        `p50 ${fmt(w.p50).padStart(6)}  p99 ${fmt(w.p99).padStart(6)} ms  non-2xx ${w.failures}${verdict}`,
    );
    console.log(`    ${w.loop.replaceAll('\n', '\n    ')}`);
  }
  return pass;
}
