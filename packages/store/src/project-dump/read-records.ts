import type { DumpBytes, DumpRecord } from '@fixloop/contracts';
import { assertNever } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { repliesOf } from '../project-footprint.js';
import { encodeBytes, showKey } from './dump-bytes.js';

/** What the Redis server can do that a dump uses: absolute expiry times and stream metadata (7.0+). */
export interface RedisAbilities {
  redis7: boolean;
}

export async function abilitiesOf(redis: Redis): Promise<RedisAbilities> {
  const m = /redis_version:(\d+)/.exec(await redis.info('server'));
  return { redis7: Number(m?.[1] ?? 0) >= 7 };
}

type Kind = DumpRecord['type'];
const KINDS: readonly string[] = ['string', 'hash', 'set', 'zset', 'list', 'stream'] satisfies Kind[];

export class UnsupportedKeyError extends Error {
  override readonly name = 'UnsupportedKeyError';
}

/**
 * Reads keys whole, with their type and expiry. Each key is read in one MULTI with its TYPE, so
 * its value and expiry agree; a key whose type changed meanwhile is read again, a key that
 * vanished is answered as null.
 */
export async function readRecords(
  redis: Redis,
  keys: Buffer[],
  abilities: RedisAbilities,
  nowMs: () => number = Date.now,
): Promise<Array<DumpRecord | null>> {
  const out: Array<DumpRecord | null> = keys.map(() => null);
  let pending = keys.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 5)
      throw new Error('keys keep changing type while being read; export when the project is quiet');
    const types = (await pipelineOf(redis, pending, (p, i) => p.type(keys[i] as Buffer))) as string[];
    const tx = redis.multi();
    const reads: Array<{ index: number; kind: Kind }> = [];
    pending.forEach((index, n) => {
      const kind = types[n] as string;
      if (kind === 'none') return;
      if (!KINDS.includes(kind)) {
        throw new UnsupportedKeyError(
          `key ${showKey(keys[index] as Buffer)} has type ${kind}, which a dump cannot hold`,
        );
      }
      const key = keys[index] as Buffer;
      tx.type(key);
      queueRead(tx, key, kind as Kind);
      tx.call(abilities.redis7 ? 'PEXPIRETIME' : 'PTTL', key);
      reads.push({ index, kind: kind as Kind });
    });
    const results = reads.length === 0 ? [] : await tx.exec();
    if (results === null) throw new Error('the Redis transaction was aborted');
    const retry: number[] = [];
    let at = 0;
    for (const { index, kind } of reads) {
      // TYPE, the read (XRANGE and XINFO for a stream), the expiry.
      const width = kind === 'stream' ? 4 : 3;
      const slice = results.slice(at, at + width);
      at += width;
      const [typeNow] = slice.map(([, reply]) => reply);
      if (typeNow === 'none') continue;
      // Its type changed between the two round trips: the read may have failed (WRONGTYPE); again.
      if (typeNow !== kind) {
        retry.push(index);
        continue;
      }
      const [, value, extra, expiry] = repliesOf(
        width === 4
          ? slice
          : ([slice[0], slice[1], [null, undefined], slice[2]] as Array<[Error | null, unknown]>),
      );
      const expiresAt = expiryOf(Number(expiry), abilities, nowMs);
      out[index] = {
        key: encodeBytes(keys[index] as Buffer),
        type: kind,
        ...(expiresAt === undefined ? {} : { expiresAt }),
        value: recordValueOf(kind, value, extra),
      } as DumpRecord;
    }
    pending = retry;
  }
  return out;
}

async function pipelineOf(
  redis: Redis,
  indexes: number[],
  add: (p: ReturnType<Redis['pipeline']>, index: number) => void,
): Promise<unknown[]> {
  const p = redis.pipeline();
  for (const i of indexes) add(p, i);
  return repliesOf(await p.exec());
}

function queueRead(tx: ReturnType<Redis['multi']>, key: Buffer, kind: Kind): void {
  switch (kind) {
    case 'string':
      tx.callBuffer('GET', key);
      return;
    case 'hash':
      tx.callBuffer('HGETALL', key);
      return;
    case 'set':
      tx.callBuffer('SMEMBERS', key);
      return;
    case 'zset':
      tx.callBuffer('ZRANGE', key, '0', '-1', 'WITHSCORES');
      return;
    case 'list':
      tx.callBuffer('LRANGE', key, '0', '-1');
      return;
    case 'stream':
      tx.callBuffer('XRANGE', key, '-', '+');
      tx.call('XINFO', 'STREAM', key);
      return;
    default:
      assertNever(kind);
  }
}

/** Unix ms of the expiry, or undefined when the key does not expire (-1). */
function expiryOf(reply: number, abilities: RedisAbilities, nowMs: () => number): number | undefined {
  if (reply < 0) return undefined;
  // Before 7.0 only the remaining time exists; the absolute time is then as exact as the clock.
  return abilities.redis7 ? reply : nowMs() + reply;
}

const byBytes = (a: Buffer, b: Buffer) => Buffer.compare(a, b);

function pairs(flat: Buffer[]): Array<[Buffer, Buffer]> {
  const out: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as Buffer, flat[i + 1] as Buffer]);
  return out;
}

function recordValueOf(kind: Kind, reply: unknown, extra: unknown): DumpRecord['value'] {
  switch (kind) {
    case 'string':
      return encodeBytes(reply as Buffer);
    case 'hash':
      // Field order in Redis depends on the encoding: sorted, two dumps of one hash are identical.
      return pairs(reply as Buffer[])
        .sort((a, b) => byBytes(a[0], b[0]))
        .map(([f, v]) => [encodeBytes(f), encodeBytes(v)] as [DumpBytes, DumpBytes]);
    case 'set':
      return [...(reply as Buffer[])].sort(byBytes).map(encodeBytes);
    case 'zset':
      return pairs(reply as Buffer[]).map(
        ([m, s]) => [encodeBytes(m), s.toString('latin1')] as [DumpBytes, string],
      );
    case 'list':
      return (reply as Buffer[]).map(encodeBytes);
    case 'stream':
      return streamValueOf(reply as Array<[Buffer, Buffer[]]>, extra as unknown[]);
    default:
      return assertNever(kind);
  }
}

function streamValueOf(entries: Array<[Buffer, Buffer[]]>, info: unknown[]) {
  const meta = new Map<string, unknown>();
  for (let i = 0; i + 1 < info.length; i += 2) meta.set(String(info[i]), info[i + 1]);
  const entriesAdded = meta.get('entries-added');
  const maxDeletedId = meta.get('max-deleted-entry-id');
  return {
    lastId: String(meta.get('last-generated-id') ?? '0-0'),
    ...(typeof entriesAdded === 'number' ? { entriesAdded } : {}),
    ...(typeof maxDeletedId === 'string' ? { maxDeletedId } : {}),
    entries: entries.map(
      ([id, fields]) => [id.toString('latin1'), fields.map(encodeBytes)] as [string, DumpBytes[]],
    ),
  };
}
