/**
 * Reports for `bench:api`: a few hundred recurring problems of long-tailed popularity, each told in
 * many wordings, so clustering finds real groups. Seeding goes through the real API (bulk import),
 * then waits for the project's clustering to finish.
 */
import { seededRandom } from '../packages/clustering/src/test-support/random-vectors.js';
import { api } from './bench-support.js';

const words = (s: string): string[] => s.split('|');
const FEATURES = words(
  'CSV export|login|password reset|dark mode|search|file upload|checkout|notifications|settings page|dashboard|' +
    'PDF preview|invite link|billing page|image crop|calendar sync|two-factor prompt|comment editor|webhooks|' +
    'API tokens|team switcher|onboarding tour|offline mode|avatar upload|email digest|keyboard shortcuts',
);
const SYMPTOMS = words(
  'crashes|freezes|is blank|loses my changes|times out|shows the wrong date|ignores the setting|logs me out|' +
    'is very slow|duplicates entries|fails silently|shows a 500 error|renders off-screen|never finishes',
);
const PLATFORMS = words('Safari|Firefox|Chrome|Android|iOS|Windows|macOS|Linux');
const OPENERS = words(
  'Since the last update|Today|Every time|Sometimes|After I upgraded|Again:|Not sure why but|Hi,',
);
const CLOSERS = words(
  'Please fix.|This blocks my team.|Expected it to just work.|Steps: open it and try again.|' +
    'Happens every time.|Started this week.|Thanks!|Workaround: reload the page.',
);
const SOURCES = words('manual|manual|github|reddit|sentry');

/** A report generator: the n-th report's fields, deterministic for a seed. */
export function reportMaker(seed: number): (n: number, tag: string) => Record<string, string> {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  // ~350 problems; popularity falls off like a Zipf law (a few big clusters, a long tail).
  const problems = FEATURES.flatMap((f) => SYMPTOMS.map((s) => ({ f, s })));
  return (n, tag) => {
    const rank = Math.min(problems.length - 1, Math.floor(random() ** 2.2 * problems.length));
    const { f, s } = problems[rank] as { f: string; s: string };
    const platform = pick(PLATFORMS);
    // Real titles are nearly all different: a version makes each one a new text to embed.
    const version = `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 30)}.${Math.floor(random() * 10)}`;
    return {
      title:
        random() < 0.5
          ? `${f} ${s} on ${platform} (v${version})`
          : `${pick(OPENERS)} the ${f} ${s} in ${version}`,
      body: `${pick(OPENERS)} the ${f} ${s} (${platform}). ${pick(CLOSERS)} ${pick(CLOSERS)} Ref ${tag}-${n}.`,
      source: pick(SOURCES),
      author: `user-${Math.floor(random() * 5_000)}`,
      externalId: `${tag}-${n}`,
    };
  };
}

/** Imports `count` reports in batches of 1,000 through POST /feedback/import. */
export async function importReports(
  base: string,
  token: string,
  count: number,
  make: (n: number, tag: string) => Record<string, string>,
  tag: string,
): Promise<void> {
  for (let s = 0; s < count; s += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, count - s) }, (_, i) => make(s + i, tag));
    const r = await api<{ created: number }>(base, token, 'POST', '/feedback/import', rows);
    if (r.created !== rows.length) throw new Error(`import created ${r.created} of ${rows.length}`);
  }
}

interface Status {
  pendingCount: number;
  isClustering: boolean;
  lastJob?: { id: string; status: string; kind: string; stats: { clustered: number; seconds: number } };
}

/** Waits until nothing waits for clustering and no run is going; answers the last job. */
export async function waitClusteringIdle(base: string, token: string, timeoutMs = 900_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const s = await api<Status>(base, token, 'GET', '/clustering/status');
    // Twice in a row: a run may be queued (debounced) between two reports.
    quiet = s.pendingCount === 0 && !s.isClustering ? quiet + 1 : 0;
    if (quiet >= 2) return s;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error('clustering did not finish in time');
}

export interface ClusterJobRecord {
  id: string;
  kind: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  stats: { clustered: number; newClusters: number; seconds: number };
}

/** Polls a clustering job until it ends; answers its record. */
export async function waitJob(base: string, token: string, id: string): Promise<ClusterJobRecord> {
  for (;;) {
    const job = await api<ClusterJobRecord>(base, token, 'GET', `/cluster-jobs/${id}`);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ids the workload reads and edits: the largest clusters, and outliers to merge pairwise. */
export interface Pools {
  clusters: string[];
  outliers: string[];
  reports: string[];
}

export async function clusterPools(base: string, token: string): Promise<Pools> {
  type Page = { items: Array<{ id: string }> };
  const big = await api<Page>(base, token, 'GET', '/clusters?sort=size&limit=200');
  const lone = await api<Page>(base, token, 'GET', '/clusters?sort=recent&minSize=1&maxSize=1&limit=200');
  const reports = await api<Page>(base, token, 'GET', '/feedback?limit=200');
  return {
    clusters: big.items.map((c) => c.id),
    outliers: lone.items.map((c) => c.id),
    reports: reports.items.map((r) => r.id),
  };
}
