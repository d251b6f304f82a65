import type { Redis } from 'ioredis';

/**
 * A legacy (seed system) dataset as its Python backend wrote it: global `feedback:{id}`,
 * `cluster:{id}` + `cluster:items:{id}`, `job:{id}` hashes and their indexes, regular rows plus odd
 * ones (each odd row is named, so tests can look at exactly what became of it).
 */
export interface LegacyFixture {
  feedback: FixtureRow[];
  clusters: Array<{ id: string; members: string[]; expect: 'migrate' | 'skip' }>;
  jobs: Array<{ id: string; hash: Record<string, string>; expect: 'migrate' | 'skip' }>;
  /** Keys that are in no known legacy shape. */
  unrecognized: string[];
  /** Legacy keys that hold no convertible record (skipped, kept by --delete-legacy). */
  unconvertible: string[];
}

export interface FixtureRow {
  id: string;
  hash: Record<string, string>;
  expect: 'migrate' | 'skip' | 'duplicate';
  /** The createdAt the conversion must give (for rows that migrate). */
  createdAt?: string;
}

const BASE_MS = Date.UTC(2024, 0, 1);
const WORDS = [
  'login',
  'crash',
  'export',
  'safari',
  'upload',
  'dark mode',
  'search',
  'billing',
  'sync',
  'timeout',
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(r: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Builds the dataset (deterministic for a seed) and writes it to Redis. */
export async function seedLegacy(
  redis: Redis,
  opts: { feedback?: number; clusters?: number; jobs?: number; seed?: number } = {},
): Promise<LegacyFixture> {
  const r = rng(opts.seed ?? 7);
  const f = buildFeedback(r, opts.feedback ?? 3_000);
  const fixture: LegacyFixture = {
    feedback: f,
    clusters: [],
    jobs: [],
    unrecognized: ['cluster_job:5f2c', 'stats:daily:2024-01-01'],
    unconvertible: [],
  };
  const p = redis.pipeline();
  for (const row of f) {
    p.hset(`feedback:${row.id}`, row.hash);
    const ms = Date.parse(row.createdAt ?? '2024-01-01T00:00:00Z');
    p.zadd('feedback:created', Math.floor(ms / 1000), row.id);
    if (row.hash.source) p.sadd(`feedback:source:${row.hash.source}`, row.id);
  }
  p.set('feedback:odd-string', 'a string where a hash belongs');
  p.zadd('feedback:created', 1_690_000_000, 'odd-indexonly');
  p.zadd('feedback:created', 1_690_000_000, 'odd-nocreated');
  fixture.unconvertible.push('feedback:odd-string');

  const regular = f.filter((x) => x.expect === 'migrate' && /^[0-9a-f]{8}-/.test(x.id)).map((x) => x.id);
  const clustered = new Set<string>();
  let next = 0;
  const nRegular = Math.max(0, (opts.clusters ?? 200) - 7);
  for (let c = 0; c < nRegular; c++) {
    const id = uuid(r);
    const size = 5 + Math.floor(r() * 11);
    const members = regular.slice(next, next + size);
    next += size;
    for (const m of members) clustered.add(m);
    fixture.clusters.push({ id, members, expect: 'migrate' });
    p.hset(`cluster:${id}`, {
      id,
      title: `Cluster ${c}`,
      summary: `Summary of cluster ${c}`,
      status: ['new', 'triaged', 'open', 'ignored'][c % 4] as string,
      created_at: String(BASE_MS / 1000 + c * 3600),
      updated_at: new Date(BASE_MS + c * 3600_000 + 600_000).toISOString(),
    });
    if (members.length > 0) p.sadd(`cluster:items:${id}`, ...members);
    p.zadd('clusters:all', BASE_MS / 1000 + c, id);
  }
  const odd = (id: string, hash: Record<string, string>, members: string[], expect: 'migrate' | 'skip') => {
    fixture.clusters.push({ id, members, expect });
    p.hset(`cluster:${id}`, { id, ...hash });
    if (members.length > 0) p.sadd(`cluster:items:${id}`, ...members);
    p.zadd('clusters:all', BASE_MS / 1000, id);
  };
  const spare = regular.slice(next, next + 12);
  odd(
    'c-fixing',
    { title: 'Fixing', status: 'fixing', created_at: '1704067200' },
    spare.slice(0, 3),
    'migrate',
  );
  odd(
    'c-pr',
    { title: 'PR', status: 'PR Created', pr_url: 'https://github.com/acme/web/pull/5', owner: 'dana' },
    spare.slice(3, 6),
    'migrate',
  );
  odd('c-resolved', { title: '', summary: 'no title', status: 'resolved' }, spare.slice(6, 8), 'migrate');
  odd('c-empty', { title: 'Nothing valid', status: 'new' }, ['odd-empty', 'odd-badsource', 'nope'], 'skip');
  odd(
    'c-overlap',
    { title: 'Overlap', status: 'new' },
    [spare[8] as string, regular[0] as string],
    'migrate',
  );
  odd('c-dupmember', { title: 'Dup', status: 'triaged' }, ['odd-dup-b', spare[9] as string], 'migrate');
  for (const m of spare.slice(0, 10)) clustered.add(m);
  // The phase-4 runner's project-scoped layout.
  fixture.clusters.push({ id: 'p4-cluster', members: spare.slice(10, 12), expect: 'migrate' });
  p.hset('cluster:default:p4-cluster', { id: 'p4-cluster', title: 'Phase four', status: 'new' });
  p.sadd('cluster:default:p4-cluster:items', ...spare.slice(10, 12));
  p.zadd('clusters:default:all', BASE_MS / 1000, 'p4-cluster');
  for (const m of spare.slice(10, 12)) clustered.add(m);
  p.sadd('cluster:items:orphan-1', regular[1] as string);
  p.zadd('clusters:all', BASE_MS / 1000, 'c-ghost');
  fixture.unconvertible.push('cluster:items:orphan-1');

  for (const row of f)
    if (row.expect === 'migrate' && !clustered.has(row.id)) p.sadd('feedback:unclustered', row.id);

  fixture.jobs = buildJobs(r, fixture.clusters, opts.jobs ?? 50);
  for (const j of fixture.jobs) p.hset(`job:${j.id}`, j.hash);
  p.rpush('job:j-listlogs:logs', 'from the list 1', 'from the list 2');
  p.rpush('config:reddit:subreddits', 'programming', 'r/typescript', 'bad name!', 'Programming');
  p.hset('cluster_job:5f2c', { id: '5f2c', status: 'succeeded' });
  p.set('stats:daily:2024-01-01', '12');
  await p.exec();
  return fixture;
}

function buildFeedback(r: () => number, n: number): FixtureRow[] {
  const rows: FixtureRow[] = [];
  const sources = ['github', 'reddit', 'sentry', 'manual'];
  const regular = Math.max(0, n - 20);
  for (let i = 0; i < regular; i++) {
    const id = uuid(r);
    const source = sources[i % 4] as string;
    const ms = BASE_MS + Math.floor(r() * 200) * 86_400_000 + i * 1000;
    const word = WORDS[Math.floor(r() * WORDS.length)] as string;
    const hash: Record<string, string> = {
      id,
      source,
      title: `Problem ${i} with ${word}`,
      body: `When I use ${word} it breaks (${i}).`,
      raw_text: `Problem ${i} with ${word}\nWhen I use ${word} it breaks (${i}).`,
      metadata: JSON.stringify({ n: i, author: `user${i % 37}` }),
      created_at: [
        new Date(ms).toISOString(),
        String(ms / 1000),
        new Date(ms)
          .toISOString()
          .replace('Z', '')
          .replace(/\.(\d{3})$/, '.$1456'),
      ][i % 3] as string,
    };
    const ext = {
      github: `Acme/Web#${i}`,
      reddit: `t3_${i.toString(36)}`,
      sentry: String(100_000 + i),
      manual: '',
    }[source] as string;
    if (ext !== '') hash.external_id = ext;
    rows.push({ id, hash, expect: 'migrate', createdAt: new Date(ms).toISOString() });
  }
  const t = (iso: string) => new Date(iso).toISOString();
  const odd = (id: string, hash: Record<string, string>, expect: FixtureRow['expect'], createdAt?: string) =>
    rows.push({ id, hash: { id, ...hash }, expect, ...(createdAt ? { createdAt } : {}) });
  odd('odd-empty', { source: 'manual', title: ' ', body: '', raw_text: '' }, 'skip');
  odd('odd-badsource', { source: 'Git Hub!', title: 'x' }, 'skip');
  odd('sources', { source: 'manual', title: 'reserved id' }, 'skip');
  odd('odd-dup-a', { source: 'github', external_id: 'Acme/Web#700000', title: 'First copy' }, 'migrate');
  odd('odd-dup-b', { source: 'github', external_id: 'acme/web#700000', title: 'Second copy' }, 'duplicate');
  odd('odd-today-dup', { source: 'github', external_id: 'acme/web#99', title: 'Also today' }, 'duplicate');
  odd(
    'odd-rawtext',
    { source: 'manual', raw_text: 'Only raw text', created_at: '2024-02-01T00:00:00Z' },
    'migrate',
  );
  odd(
    'odd-naive-micro',
    { source: 'manual', title: 'Naive', created_at: '2024-03-05T10:11:12.123456' },
    'migrate',
  );
  odd('odd-epoch', { source: 'manual', title: 'Epoch', created_at: '1700000000.5' }, 'migrate');
  odd('odd-nocreated', { source: 'manual', title: 'No time' }, 'migrate', t('2023-07-22T04:26:40Z'));
  odd('odd-badmeta', { source: 'manual', title: 'Bad meta', metadata: 'not json{' }, 'migrate');
  odd('odd-closed', { source: 'sentry', title: 'Closed', status: 'closed', external_id: 'S-1' }, 'migrate');
  odd(
    'odd-reddit',
    { source: 'reddit', title: 'Reddit', external_id: 't3_abc123', url: 'https://redd.it/abc123' },
    'migrate',
  );
  odd(
    'odd-extra',
    { source: 'reddit', title: 'Extra', subreddit: 'programming', embedding: '[0.1,0.2]' },
    'migrate',
  );
  odd(
    'odd-offset',
    { source: 'manual', title: 'Offset', created_at: '2024-01-02T01:00:00+01:00' },
    'migrate',
  );
  odd('odd-nosource', { title: 'No source' }, 'migrate');
  odd('odd-longtitle', { source: 'manual', title: 'x'.repeat(1_500) }, 'migrate');
  odd(
    'odd-author',
    { source: 'github', title: 'By', author: 'octocat', external_id: 'acme/api#1' },
    'migrate',
  );
  odd('odd-nul', { source: 'manual', title: 'Nul\u0000byte' }, 'migrate');
  odd('odd-status', { source: 'manual', title: 'Weird status', status: 'Triaged' }, 'migrate');
  return rows;
}

function buildJobs(
  r: () => number,
  clusters: LegacyFixture['clusters'],
  n: number,
): Array<{ id: string; hash: Record<string, string>; expect: 'migrate' | 'skip' }> {
  const jobs: Array<{ id: string; hash: Record<string, string>; expect: 'migrate' | 'skip' }> = [];
  const statuses = ['completed', 'failed', 'cancelled', 'succeeded', 'pr_created'];
  const regular = Math.max(0, n - 8);
  for (let i = 0; i < regular; i++) {
    const id = uuid(r);
    const cluster = clusters[i % clusters.length]?.id ?? 'none';
    const hash: Record<string, string> = {
      id,
      cluster_id: cluster,
      status: statuses[i % statuses.length] as string,
      created_at: String(BASE_MS / 1000 + i * 60),
      updated_at: new Date(BASE_MS + i * 60_000 + 30_000).toISOString(),
      logs: JSON.stringify([`starting job ${i}`, `done ${i}`]),
    };
    if (i % 5 === 4) hash.pr_url = `https://github.com/acme/web/pull/${i}`;
    jobs.push({ id, hash, expect: 'migrate' });
  }
  const c0 = clusters[0]?.id ?? 'none';
  const odd = (id: string, hash: Record<string, string>, expect: 'migrate' | 'skip' = 'migrate') =>
    jobs.push({ id, hash: { id, ...hash }, expect });
  odd('j-running', {
    cluster_id: c0,
    status: 'running',
    created_at: '2024-01-05T00:00:00Z',
    logs: '["cloning"]',
  });
  odd('j-queued', { cluster_id: c0, status: 'queued', created_at: '2024-01-05T00:00:00Z' });
  odd('j-nocluster', { status: 'completed', created_at: '2024-01-05T00:00:00Z' }, 'skip');
  odd('j-textlogs', {
    cluster_id: c0,
    status: 'failed',
    error: 'tests failed',
    logs: 'line one\nline two\n',
  });
  odd('j-objlogs', {
    cluster_id: c0,
    status: 'failed',
    logs: JSON.stringify([{ ts: 1704067200, level: 'error', message: 'boom' }]),
  });
  odd('j-extra', { cluster_id: c0, status: 'completed', artifact_url: 'https://example.com/a.zip' });
  odd('j-nostatus', { cluster_id: c0, created_at: '2024-01-06T00:00:00Z' });
  odd('j-listlogs', { cluster_id: c0, status: 'completed', logs: '["in the hash"]' });
  return jobs;
}
