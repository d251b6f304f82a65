import {
  DUMP_FORMAT,
  DUMP_VERSION,
  type DumpHeader,
  type DumpRecord,
  type DumpTrailer,
} from '@fixloop/contracts';
import type { Redis } from 'ioredis';
import { keys } from '../keys.js';
import { LOGIN_STATE_ROLES, readProjectFootprint, type SharedEntry } from '../project-footprint.js';
import { checksumOf, DumpError } from './parse-dump.js';
import { abilitiesOf, readRecords } from './read-records.js';

/** Keys read per MULTI while exporting. */
const READ_BATCH = 100;

/**
 * The project's dump, line by line (header, one line per key in key order, trailer). Every key of
 * its footprint is in it except login state; the keys other projects share contribute only the
 * project's own entry. Each key is read atomically; the dump as a whole is a snapshot only when
 * nothing writes to the project meanwhile.
 */
export async function exportProject(
  redis: Redis,
  projectId: string,
  now: Date = new Date(),
): Promise<string[]> {
  if ((await redis.exists(keys.project(projectId))) === 0) {
    throw new DumpError(`project "${projectId}" not found`);
  }
  const footprint = await readProjectFootprint(redis, projectId);
  const owned = footprint.owned
    .filter((o) => !LOGIN_STATE_ROLES.has(o.role))
    .map((o) => o.key)
    .sort(Buffer.compare);
  const abilities = await abilitiesOf(redis);
  const records: DumpRecord[] = [];
  for (let i = 0; i < owned.length; i += READ_BATCH) {
    const batch = await readRecords(redis, owned.slice(i, i + READ_BATCH), abilities);
    for (const r of batch) if (r !== null) records.push(r);
  }
  const shared = [...footprint.shared].sort((a, b) => a.key.localeCompare(b.key));
  records.push(...shared.map((s) => sharedRecord(projectId, s)));

  const body = records.map((r) => JSON.stringify(r));
  const header: DumpHeader = {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    projectId,
    exportedAt: now.toISOString(),
    keyCount: body.length,
  };
  const trailer: DumpTrailer = { end: DUMP_FORMAT, keyCount: body.length, sha256: checksumOf(body) };
  return [JSON.stringify(header), ...body, JSON.stringify(trailer)];
}

function sharedRecord(projectId: string, s: SharedEntry): DumpRecord {
  if (s.role === 'projects-index') return { key: s.key, type: 'set', shared: true, value: [projectId] };
  return { key: s.key, type: 'zset', shared: true, value: [[projectId, s.score ?? '0']] };
}
