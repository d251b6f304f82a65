import type { DumpRecord } from '@fixloop/contracts';
import { assertNever } from '@fixloop/domain';
import { decodeBytes } from './dump-bytes.js';
import type { RedisAbilities } from './read-records.js';

/** One Redis command: its name, then its arguments. */
export type RedisCommand = [string, ...Array<string | Buffer>];

/** Elements per command when a collection is written in pieces (bounds each command's size). */
const CHUNK = 500;

function chunked<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The commands that build the record's value in `key` (which must not exist yet). The first
 * command creates the key; the caller can set a safety expiry right after it.
 */
export function commandsFor(key: Buffer, record: DumpRecord, abilities: RedisAbilities): RedisCommand[] {
  switch (record.type) {
    case 'string':
      return [['SET', key, decodeBytes(record.value)]];
    case 'hash':
      return chunked(record.value).map((c) => [
        'HSET',
        key,
        ...c.flatMap(([f, v]) => [decodeBytes(f), decodeBytes(v)]),
      ]);
    case 'set':
      return chunked(record.value).map((c) => ['SADD', key, ...c.map(decodeBytes)]);
    case 'zset':
      return chunked(record.value).map((c) => ['ZADD', key, ...c.flatMap(([m, s]) => [s, decodeBytes(m)])]);
    case 'list':
      return chunked(record.value).map((c) => ['RPUSH', key, ...c.map(decodeBytes)]);
    case 'stream':
      return streamCommands(key, record.value, abilities);
    default:
      return assertNever(record);
  }
}

type StreamValue = Extract<DumpRecord, { type: 'stream' }>['value'];

function streamCommands(key: Buffer, s: StreamValue, abilities: RedisAbilities): RedisCommand[] {
  const out: RedisCommand[] = s.entries.map(([id, fields]) => ['XADD', key, id, ...fields.map(decodeBytes)]);
  if (out.length === 0) {
    // An empty stream cannot be made by XADD alone: add one entry and trim it away at once.
    if (s.lastId === '0-0') {
      out.push(['XGROUP', 'CREATE', key, 'restore', '0', 'MKSTREAM'], ['XGROUP', 'DESTROY', key, 'restore']);
    } else {
      out.push(['XADD', key, 'MAXLEN', '0', s.lastId, 'restore', '']);
    }
  }
  const setId: RedisCommand = ['XSETID', key, s.lastId];
  if (abilities.redis7) {
    if (s.entriesAdded !== undefined) setId.push('ENTRIESADDED', String(s.entriesAdded));
    if (s.maxDeletedId !== undefined) setId.push('MAXDELETEDID', s.maxDeletedId);
  }
  if (setId.length > 3 || s.lastId !== '0-0') out.push(setId);
  return out;
}
