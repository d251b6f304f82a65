import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../keys.js';
import { type ProjectFootprint, readProjectFootprint, repliesOf } from '../project-footprint.js';
import { showKey } from './dump-bytes.js';
import { DumpError, type DumpLine, type ParsedDump } from './parse-dump.js';
import { abilitiesOf, type RedisAbilities } from './read-records.js';
import { commandsFor } from './write-records.js';

export interface ImportOptions {
  /** Replace the project's data when it has some; without it such an import is refused. */
  replace: boolean;
  nowMs?: () => number;
}

export interface ImportSummary {
  /** Keys and shared entries written. */
  written: number;
  /** Keys left out because their expiry had passed. */
  expired: number;
  /** Keys of the project's former data that were removed (with `replace`). */
  replaced: number;
}

/** Staged keys left by an import that died expire on their own after a day. */
const STAGING_TTL_MS = 24 * 3600 * 1000;
/** Commands per pipelined round trip while staging. */
const WRITE_BATCH = 1_000;
/** Keys per UNLINK, WATCH or EXISTS. */
const KEY_BATCH = 500;

interface Staged {
  line: DumpLine;
  staging: Buffer;
}

/**
 * Writes a validated dump. Every key is first built under a staging name in the project's hash
 * slot, in pipelined batches; then one MULTI/EXEC, guarded by WATCH, removes the project's former
 * footprint (with `replace`), renames the staged keys into place and merges the shared entries.
 * Until that EXEC nothing is visible; if the import dies before it, the staged keys expire.
 */
export async function importProject(
  redis: Redis,
  dump: ParsedDump,
  opts: ImportOptions,
): Promise<ImportSummary> {
  const projectId = dump.header.projectId;
  const now = (opts.nowMs ?? Date.now)();
  const live = dump.lines.filter((l) => l.record.expiresAt === undefined || l.record.expiresAt > now);
  const shared = live.filter((l) => l.record.shared === true);
  const token = randomBytes(8).toString('hex');
  const staged: Staged[] = live
    .filter((l) => l.record.shared !== true)
    .map((line, i) => ({ line, staging: Buffer.from(`import:{${projectId}}:${token}:${i}`, 'utf8') }));

  await checkTarget(redis, projectId, live, opts.replace);
  try {
    await writeStaging(redis, staged, await abilitiesOf(redis));
    const replaced = await commit(redis, projectId, live, staged, shared, opts.replace);
    return { written: live.length, expired: dump.lines.length - live.length, replaced };
  } catch (err) {
    await dropStaging(redis, staged).catch(() => undefined);
    throw err;
  }
}

/**
 * Refuses a target where the project has data (unless replacing), and any key of the dump that
 * this Redis already gives to someone else: an API key of another project or the admin's, another
 * project's customer link, a shared key of an unexpected type. Answers the project's footprint.
 */
async function checkTarget(
  redis: Redis,
  projectId: string,
  lines: DumpLine[],
  replace: boolean,
): Promise<ProjectFootprint> {
  const footprint = await readProjectFootprint(redis, projectId);
  const existing = footprint.owned.length + footprint.shared.length;
  if (existing > 0 && !replace) {
    throw new DumpError(
      `project "${projectId}" already has data in this Redis (${existing} keys and entries); ` +
        'add --replace to replace it with the dump',
    );
  }
  const p = redis.pipeline();
  const checks: Array<{ line: DumpLine; expect: (reply: unknown) => boolean; why: string }> = [];
  for (const line of lines) {
    const key = line.key.toString('utf8');
    if (line.role === 'api-key') {
      p.hget(key, 'projectId');
      checks.push({
        line,
        expect: (r) => r === null || r === projectId,
        why: 'is an API key of another project',
      });
      p.sismember(keys.adminKeys(), key.slice('apikey:'.length));
      checks.push({ line, expect: (r) => r === 0, why: 'is the admin key' });
    } else if (line.role === 'billing-customer') {
      p.get(key);
      checks.push({
        line,
        expect: (r) => r === null || r === projectId,
        why: "is another project's customer",
      });
    } else if (line.role === 'projects-index' || line.role === 'user-projects') {
      const type = line.role === 'projects-index' ? 'set' : 'zset';
      p.type(key);
      checks.push({ line, expect: (r) => r === 'none' || r === type, why: `is not a ${type}` });
    }
  }
  const replies = repliesOf(await p.exec());
  checks.forEach((c, i) => {
    if (!c.expect(replies[i]))
      throw new DumpError(`key ${showKey(c.line.key)} ${c.why} in this Redis; nothing was written`);
  });
  return footprint;
}

async function writeStaging(redis: Redis, staged: Staged[], abilities: RedisAbilities): Promise<void> {
  let p = redis.pipeline();
  let queued = 0;
  for (const s of staged) {
    commandsFor(s.staging, s.line.record, abilities).forEach(([name, ...args], i) => {
      p.callBuffer(name, ...args);
      // Right behind the command that creates it, in the same round trip.
      if (i === 0) p.pexpire(s.staging, STAGING_TTL_MS);
      queued += i === 0 ? 2 : 1;
    });
    if (queued >= WRITE_BATCH) {
      repliesOf(await p.exec());
      p = redis.pipeline();
      queued = 0;
    }
  }
  if (queued > 0) repliesOf(await p.exec());
}

async function commit(
  redis: Redis,
  projectId: string,
  lines: DumpLine[],
  staged: Staged[],
  shared: DumpLine[],
  replace: boolean,
): Promise<number> {
  // Whatever the checks read must still hold at EXEC, and the staged keys must be untouched.
  const watched: Array<string | Buffer> = [
    keys.project(projectId),
    keys.apiKeys(projectId),
    keys.projectSessions(projectId),
    keys.projectMembers(projectId),
    keys.billing(projectId),
    keys.projectsAll(),
    ...lines.filter((l) => l.role !== 'prefixed').map((l) => l.key),
    ...staged.map((s) => s.staging),
  ];
  for (let i = 0; i < watched.length; i += KEY_BATCH) await redis.watch(...watched.slice(i, i + KEY_BATCH));
  try {
    const old = await checkTarget(redis, projectId, lines, replace);
    let present = 0;
    for (let i = 0; i < staged.length; i += KEY_BATCH)
      present += await redis.exists(...staged.slice(i, i + KEY_BATCH).map((s) => s.staging));
    if (present !== staged.length)
      throw new DumpError('staged keys vanished before the import finished; nothing was replaced');

    const tx = redis.multi();
    for (let i = 0; i < old.owned.length; i += KEY_BATCH)
      tx.unlink(...old.owned.slice(i, i + KEY_BATCH).map((o) => o.key));
    for (const s of old.shared) {
      if (s.role === 'projects-index') tx.srem(s.key, projectId);
      else tx.zrem(s.key, projectId);
    }
    for (const { line, staging } of staged) {
      tx.rename(staging, line.key);
      const at = line.record.expiresAt;
      if (at === undefined) tx.persist(line.key);
      else tx.pexpireat(line.key, at);
    }
    for (const line of shared) {
      const r = line.record;
      if (r.type === 'set') tx.sadd(line.key, projectId);
      else if (r.type === 'zset') tx.zadd(line.key, r.value[0]?.[1] ?? '0', projectId);
    }
    const result = await tx.exec();
    if (result === null) {
      throw new DumpError(
        'the project changed in Redis during the import; nothing was replaced: run it again',
      );
    }
    repliesOf(result);
    return old.owned.length;
  } finally {
    await redis.unwatch();
  }
}

async function dropStaging(redis: Redis, staged: Staged[]): Promise<void> {
  for (let i = 0; i < staged.length; i += KEY_BATCH)
    await redis.unlink(...staged.slice(i, i + KEY_BATCH).map((s) => s.staging));
}
