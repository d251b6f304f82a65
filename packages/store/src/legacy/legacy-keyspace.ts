import type { Redis } from 'ioredis';

/**
 * The seed system's global layout, found by one SCAN of the keyspace. Records are hashes named by
 * kind and id; the phase-4 clustering runner also wrote project-scoped variants
 * (`cluster:{project_id}:{id}`, `…:items`, `clusters:{project_id}:all`, `feedback:unclustered:{project_id}`).
 */
export interface LegacyKeyspace {
  /** feedback id → its hash key. */
  feedback: Map<string, string>;
  /** cluster id → its hash keys (more than one when two layouts hold the id) and member set keys. */
  clusters: Map<string, { hashKeys: string[]; itemKeys: string[] }>;
  /** job id → its hash key and log list keys. */
  jobs: Map<string, { hashKey?: string; logKeys: string[] }>;
  /** Legacy index keys (sorted sets or sets of ids) and the kind of record they list. */
  indexes: Array<{ key: string; type: string; lists: 'feedback' | 'clusters' | 'jobs' }>;
  subreddits?: string;
  /** Keys in a record's place that are not hashes (so not records), with their type. */
  notRecords: Array<{ key: string; kind: 'feedback' | 'clusters' | 'jobs'; type: string }>;
  unrecognized: Array<{ pattern: string; count: number; example: string }>;
}

/** Key prefixes of today's layout and of the migration's own bookkeeping: never legacy. */
const TODAY = [
  'project:',
  'apikey:',
  'session:',
  'user:',
  'emb:',
  'billing:',
  'ratelimit:',
  'oauth:',
  'migration:legacy',
];
const TODAY_EXACT = new Set(['projects:all']);
const SCAN_COUNT = 1_000;
const TYPE_BATCH = 1_000;

type Classified =
  | { kind: 'feedback' | 'clusters' | 'jobs'; id: string; role: 'record' }
  | { kind: 'clusters'; id: string; role: 'items' }
  | { kind: 'jobs'; id: string; role: 'logs' }
  | { kind: 'index'; lists: 'feedback' | 'clusters' | 'jobs' }
  | { kind: 'subreddits' }
  | { kind: 'unknown' };

/** What a legacy key is, from its name and Redis type. */
export function classifyKey(key: string, type: string): Classified {
  const p = key.split(':');
  const [head, a, b, c] = p;
  const n = p.length;
  const ok = (s: string | undefined): s is string => s !== undefined && s !== '';
  if (head === 'feedback') {
    if (n === 2 && (a === 'created' || a === 'unclustered')) return { kind: 'index', lists: 'feedback' };
    if (n === 3 && a === 'unclustered' && ok(b)) return { kind: 'index', lists: 'feedback' };
    if (n === 3 && a === 'source' && ok(b)) return { kind: 'index', lists: 'feedback' };
    if (n === 2 && ok(a)) return { kind: 'feedback', id: a, role: 'record' };
  }
  if (head === 'cluster') {
    if (n === 3 && a === 'items' && ok(b)) return { kind: 'clusters', id: b, role: 'items' };
    if (n === 3 && b === 'items' && ok(a)) return { kind: 'clusters', id: a, role: 'items' };
    if (n === 4 && c === 'items' && ok(a) && ok(b)) return { kind: 'clusters', id: b, role: 'items' };
    if (n === 2 && ok(a)) return { kind: 'clusters', id: a, role: 'record' };
    if (n === 3 && ok(a) && ok(b) && type === 'hash') return { kind: 'clusters', id: b, role: 'record' };
  }
  if (head === 'clusters' && (key === 'clusters:all' || (n === 3 && ok(a) && b === 'all'))) {
    return { kind: 'index', lists: 'clusters' };
  }
  if (head === 'job') {
    if (n === 2 && ok(a)) return { kind: 'jobs', id: a, role: 'record' };
    if (n === 3 && b === 'logs' && ok(a)) return { kind: 'jobs', id: a, role: 'logs' };
  }
  if (key === 'jobs:all' || key === 'jobs') return { kind: 'index', lists: 'jobs' };
  if (key === 'config:reddit:subreddits') return { kind: 'subreddits' };
  return { kind: 'unknown' };
}

/** Reads the legacy keyspace: every key outside today's layout, classified. */
export async function scanLegacyKeyspace(redis: Redis, ignorePrefixes: string[]): Promise<LegacyKeyspace> {
  const skip = [...TODAY, ...ignorePrefixes];
  const candidates: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (const k of batch) {
      if (!TODAY_EXACT.has(k) && !skip.some((s) => k.startsWith(s))) candidates.push(k);
    }
  } while (cursor !== '0');
  // SCAN may return a key twice; sorting makes the run's order (and a resume's) deterministic.
  const sorted = [...new Set(candidates)].sort();
  const types: string[] = [];
  for (let s = 0; s < sorted.length; s += TYPE_BATCH) {
    const p = redis.pipeline();
    for (const k of sorted.slice(s, s + TYPE_BATCH)) p.type(k);
    for (const [, t] of (await p.exec()) ?? []) types.push(String(t));
  }

  const space: LegacyKeyspace = {
    feedback: new Map(),
    clusters: new Map(),
    jobs: new Map(),
    indexes: [],
    notRecords: [],
    unrecognized: [],
  };
  const unknown = new Map<string, { count: number; example: string }>();
  sorted.forEach((key, i) => {
    const type = types[i] ?? 'none';
    if (type === 'none') return; // expired or deleted while scanning
    const c = classifyKey(key, type);
    switch (c.kind) {
      case 'feedback':
      case 'clusters':
      case 'jobs':
        if (c.role === 'record' && type !== 'hash') space.notRecords.push({ key, kind: c.kind, type });
        else addRecordKey(space, c, key);
        return;
      case 'index':
        space.indexes.push({ key, type, lists: c.lists });
        return;
      case 'subreddits':
        space.subreddits = key;
        return;
      case 'unknown': {
        const pattern = patternOf(key);
        const u = unknown.get(pattern) ?? { count: 0, example: key };
        u.count++;
        unknown.set(pattern, u);
        return;
      }
    }
  });
  space.unrecognized = [...unknown.entries()].map(([pattern, u]) => ({ pattern, ...u }));
  return space;
}

function addRecordKey(space: LegacyKeyspace, c: Extract<Classified, { id: string }>, key: string): void {
  if (c.kind === 'feedback') {
    space.feedback.set(c.id, key);
  } else if (c.kind === 'clusters') {
    const entry = space.clusters.get(c.id) ?? { hashKeys: [], itemKeys: [] };
    (c.role === 'items' ? entry.itemKeys : entry.hashKeys).push(key);
    space.clusters.set(c.id, entry);
  } else {
    const entry = space.jobs.get(c.id) ?? { logKeys: [] };
    if (c.role === 'logs') entry.logKeys.push(key);
    else entry.hashKey = key;
    space.jobs.set(c.id, entry);
  }
}

/** A key with its id-like segments (digits, UUIDs, long tokens) replaced by `*`, to group unknown keys. */
function patternOf(key: string): string {
  return key
    .split(':')
    .map((seg, i) => (i > 0 && (/\d/.test(seg) || seg.length > 24) ? '*' : seg))
    .join(':');
}

/** The ids a legacy index or member key lists, whatever collection type the seed used for it. */
export async function membersOf(redis: Redis, key: string, type: string): Promise<string[]> {
  switch (type) {
    case 'zset':
      return redis.zrange(key, 0, -1);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'list':
      return redis.lrange(key, 0, -1);
    default:
      return [];
  }
}
