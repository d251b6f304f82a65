import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * Everything in Redis that belongs to one project: the one list that deleting, exporting and
 * importing a project share. Besides `project:{pid}` and its prefix, some global keys point at the
 * project from outside it, found through indexes inside the prefix.
 */
export type FootprintRole =
  /** `project:{pid}`, the record. */
  | 'record'
  /** Any key under `project:{pid}:`. */
  | 'prefixed'
  /** `project:{pid}:sessions`, the sessions opened with the project's keys. */
  | 'sessions-index'
  /** `apikey:<sha256>`, one of the project's keys (listed in `project:{pid}:api-keys`). */
  | 'api-key'
  /** `session:<sha256>`, a session opened with one of its keys (listed in the sessions index). */
  | 'session'
  /** `billing:customer:<id>`, the Stripe customer link named by the billing hash. */
  | 'billing-customer'
  /** The project's member in the shared set `projects:all`. */
  | 'projects-index'
  /** The project's member in a member's shared zset `user:<uid>:projects`. */
  | 'user-projects';

export type SharedRole = 'projects-index' | 'user-projects';
export type OwnedRole = Exclude<FootprintRole, SharedRole>;

/** Login state: deletion removes it, backups leave it out (after a restore, people sign in again). */
export const LOGIN_STATE_ROLES: ReadonlySet<FootprintRole> = new Set(['session', 'sessions-index']);

/** A key that belongs wholly to the project. */
export interface OwnedKey {
  key: Buffer;
  role: OwnedRole;
}

/** The project's own member of a key that other projects or users share. */
export interface SharedEntry {
  key: string;
  role: SharedRole;
  /** The member's score (`user-projects`: when the user joined, ms); absent for a set. */
  score?: string;
}

export interface ProjectFootprint {
  owned: OwnedKey[];
  shared: SharedEntry[];
}

const SCAN_COUNT = 500;
const HEX64 = /^[0-9a-f]{64}$/;

/** A SCAN pattern matching `prefix` literally, then anything. */
export function startsWithPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/** The key's text when its bytes are exactly that UTF-8 text, else null. */
function exactText(key: Buffer): string | null {
  const text = key.toString('utf8');
  return Buffer.from(text, 'utf8').equals(key) ? text : null;
}

/**
 * The role a key would have in the project's footprint, judged by its name alone (the import
 * checks the cross-references too); null when it cannot belong to the project.
 */
export function classifyKey(projectId: string, key: Buffer): FootprintRole | null {
  const prefix = Buffer.from(keys.prefix(projectId), 'utf8');
  if (key.equals(Buffer.from(keys.project(projectId), 'utf8'))) return 'record';
  if (key.equals(Buffer.from(keys.projectSessions(projectId), 'utf8'))) return 'sessions-index';
  if (key.length > prefix.length && key.subarray(0, prefix.length).equals(prefix)) return 'prefixed';
  const text = exactText(key);
  if (text === null) return null;
  if (text === keys.projectsAll()) return 'projects-index';
  if (text.startsWith('apikey:') && HEX64.test(text.slice('apikey:'.length))) return 'api-key';
  if (text.startsWith('session:') && HEX64.test(text.slice('session:'.length))) return 'session';
  if (/^billing:customer:[\s\S]+$/.test(text)) return 'billing-customer';
  if (userOfProjectsKey(text) !== null) return 'user-projects';
  return null;
}

/** The user id of a `user:<uid>:projects` key, else null. */
export function userOfProjectsKey(key: string): string | null {
  const m = /^user:([\s\S]+):projects$/.exec(key);
  return m?.[1] ?? null;
}

/** The keys under the project's prefix, a SCAN batch at a time. */
export async function* scanPrefixed(redis: Redis, projectId: string): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scanBuffer(
      cursor,
      'MATCH',
      startsWithPattern(keys.prefix(projectId)),
      'COUNT',
      SCAN_COUNT,
    );
    cursor = next.toString();
    if (batch.length > 0) yield batch;
  } while (cursor !== '0');
}

/** The global keys and shared entries that point at the project, found through its own indexes. */
export async function readGlobalFootprint(redis: Redis, projectId: string): Promise<ProjectFootprint> {
  const [apiKeyHashes, sessionHashes, customerId, indexed, userIds] = (await redis
    .pipeline()
    .hvals(keys.apiKeys(projectId))
    .zrange(keys.projectSessions(projectId), 0, -1)
    .hget(keys.billing(projectId), 'customerId')
    .sismember(keys.projectsAll(), projectId)
    .hkeys(keys.projectMembers(projectId))
    .exec()
    .then(repliesOf)) as [string[], string[], string | null, number, string[]];

  // A global key counts only when it points back at this project: never another project's.
  const candidates: Array<{ key: string; role: OwnedRole }> = [
    ...apiKeyHashes.map((h) => ({ key: keys.apiKey(h), role: 'api-key' as const })),
    ...sessionHashes.map((h) => ({ key: keys.session(h), role: 'session' as const })),
    ...(customerId ? [{ key: keys.billingCustomer(customerId), role: 'billing-customer' as const }] : []),
  ];
  const check = redis.pipeline();
  for (const c of candidates) {
    if (c.role === 'billing-customer') check.get(c.key);
    else check.hget(c.key, 'projectId');
  }
  for (const uid of userIds) check.zscore(keys.userProjects(uid), projectId);
  const replies = (await check.exec().then(repliesOf)) as Array<string | null>;

  const owned: OwnedKey[] = candidates
    .filter((c, i) => replies[i] === projectId && classifyKey(projectId, Buffer.from(c.key)) === c.role)
    .map((c) => ({ key: Buffer.from(c.key, 'utf8'), role: c.role }));
  const shared: SharedEntry[] = [];
  if (indexed === 1) shared.push({ key: keys.projectsAll(), role: 'projects-index' });
  userIds.forEach((uid, i) => {
    const score = replies[candidates.length + i];
    if (score !== null && score !== undefined)
      shared.push({ key: keys.userProjects(uid), role: 'user-projects', score });
  });
  return { owned, shared };
}

/** The whole footprint: the record, every key under the prefix, and the global ones. */
export async function readProjectFootprint(redis: Redis, projectId: string): Promise<ProjectFootprint> {
  const owned: OwnedKey[] = [];
  if ((await redis.exists(keys.project(projectId))) === 1)
    owned.push({ key: Buffer.from(keys.project(projectId), 'utf8'), role: 'record' });
  for await (const batch of scanPrefixed(redis, projectId)) {
    for (const key of batch) owned.push({ key, role: classifyKey(projectId, key) as OwnedRole });
  }
  const globals = await readGlobalFootprint(redis, projectId);
  owned.push(...globals.owned);
  return { owned, shared: globals.shared };
}

/**
 * Deletes the footprint. The global keys and shared entries go first (they are found through the
 * indexes under the prefix), then the prefix, then the record and the `projects:all` entry: an
 * interrupted removal can simply be run again. Answers how many keys were removed.
 */
export async function removeProjectFootprint(redis: Redis, projectId: string): Promise<number> {
  const globals = await readGlobalFootprint(redis, projectId);
  let removed = 0;
  if (globals.owned.length > 0) removed += await redis.unlink(...globals.owned.map((o) => o.key));
  const users = globals.shared.filter((s) => s.role === 'user-projects');
  if (users.length > 0) {
    const p = redis.pipeline();
    for (const s of users) p.zrem(s.key, projectId);
    await p.exec().then(repliesOf);
  }
  for await (const batch of scanPrefixed(redis, projectId)) removed += await redis.unlink(...batch);
  removed += await redis.unlink(keys.project(projectId));
  await redis.srem(keys.projectsAll(), projectId);
  return removed;
}

/** The replies of a pipeline, throwing its first error. */
export function repliesOf(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (results === null) throw new Error('the Redis transaction was aborted');
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
