import { createHash, randomBytes } from 'node:crypto';
import { keys } from '@fixloop/store';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/infra/redis.js';

/**
 * Writes a refused request may make, by key: whole keys (`fields` absent) or some fields of a hash.
 * Anything else a 4xx changes is a partial write.
 */
export interface Exclusion {
  key: RegExp;
  fields?: string[];
  why: string;
}

export const EXCLUSIONS: Exclusion[] = [
  {
    key: new RegExp(`^${escapeRegExp(keys.attempts('login:'))}`),
    why: 'failed sign-ins are counted per email and per address: the count is what throttles guessing',
  },
  {
    key: new RegExp(`^${escapeRegExp(keys.requestRatePrefix())}`),
    why: 'the request limits count every request, refused ones included (a flood of 4xx is still a flood)',
  },
  {
    key: new RegExp(`^${escapeRegExp(keys.apiKey(''))}`),
    fields: ['lastUsedAt'],
    why: "a key's last use is recorded when it authenticates, whatever the route then answers",
  },
  {
    key: new RegExp(`^${escapeRegExp(keys.session(''))}`),
    fields: ['refreshedAtMs'],
    why: 'a session slides its expiry on use, whatever the route then answers',
  },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A changed key: its state before and after (a digest and a short summary; `none` when absent). */
export interface KeyChange {
  key: string;
  before: string;
  after: string;
  events: string[];
}

interface State {
  digest: string;
  summary: string;
}

const ABSENT: State = { digest: 'none', summary: 'absent' };
/** Events that are Redis's own doing, not a request's. */
const NOT_WRITES = new Set(['expired', 'evicted']);

/**
 * Tracks every write to one Redis database through keyspace notifications, against a copy of
 * the database's state (a digest per key). `sync` waits until every notification of the commands
 * executed so far has arrived; `collect` re-reads the keys they named and answers which changed.
 */
export class RedisWriteTracker {
  private readonly states = new Map<string, State>();
  private touched = new Map<string, { raw: Buffer; events: Set<string> }>();
  private readonly barrier = `fuzz-barrier:${randomBytes(6).toString('hex')}`;
  private waiting = new Map<string, () => void>();
  private savedConfig = '';

  private constructor(
    private readonly reader: Redis,
    private readonly subscriber: Redis,
    private readonly db: number,
  ) {}

  static async start(url: string): Promise<RedisWriteTracker> {
    const db = Number(new URL(url).pathname.slice(1) || '0');
    const tracker = new RedisWriteTracker(createRedis(url), createRedis(url), db);
    await tracker.open();
    return tracker;
  }

  private async open(): Promise<void> {
    const [, current = ''] = (await this.reader.config('GET', 'notify-keyspace-events')) as string[];
    this.savedConfig = current;
    const flags = new Set([...current, 'K', 'A']);
    await this.reader.config('SET', 'notify-keyspace-events', [...flags].join(''));
    const prefix = Buffer.from(`__keyspace@${this.db}__:`);
    this.subscriber.on('pmessageBuffer', (_pattern: unknown, channel: Buffer, message: Buffer) => {
      const raw = Buffer.from(channel.subarray(prefix.length));
      const key = raw.toString('latin1');
      const entry = this.touched.get(key) ?? { raw, events: new Set<string>() };
      entry.events.add(message.toString());
      this.touched.set(key, entry);
    });
    this.subscriber.on('message', (_channel: string, token: string) => {
      this.waiting.get(token)?.();
      this.waiting.delete(token);
    });
    await this.subscriber.psubscribe(`__keyspace@${this.db}__:*`);
    await this.subscriber.subscribe(this.barrier);
    for (const [key, state] of await this.snapshot()) this.states.set(key, state);
  }

  /** Resolves once every notification of the commands executed so far has arrived. */
  async sync(): Promise<void> {
    const token = randomBytes(6).toString('hex');
    const arrived = new Promise<void>((resolve) => this.waiting.set(token, resolve));
    await this.reader.publish(this.barrier, token);
    await arrived;
  }

  /** The keys written since the last call whose state changed (exclusions applied), and the new state. */
  async collect(): Promise<KeyChange[]> {
    const touched = this.touched;
    this.touched = new Map();
    const tracked = [...touched].filter(([key]) => !excluded(key));
    const read = await this.read(tracked.map(([, t]) => t.raw));
    const changes: KeyChange[] = [];
    tracked.forEach(([key, t], i) => {
      const after = read[i] ?? ABSENT;
      const before = this.states.get(key) ?? ABSENT;
      if (after.digest === 'none') this.states.delete(key);
      else this.states.set(key, after);
      const events = [...t.events];
      if (before.digest === after.digest || events.every((e) => NOT_WRITES.has(e))) return;
      changes.push({ key: printable(key), before: before.summary, after: after.summary, events });
    });
    return changes;
  }

  /** Keys whose tracked state differs from the database now: a write the notifications missed. */
  async drift(): Promise<string[]> {
    await this.sync();
    await this.collect();
    const now = await this.snapshot();
    const out: string[] = [];
    for (const key of new Set([...now.keys(), ...this.states.keys()])) {
      if ((now.get(key)?.digest ?? 'none') !== (this.states.get(key)?.digest ?? 'none'))
        out.push(printable(key));
    }
    return out;
  }

  /** The number of tracked keys (exclusions left out). */
  get size(): number {
    return this.states.size;
  }

  async stop(): Promise<void> {
    await this.reader.config('SET', 'notify-keyspace-events', this.savedConfig);
    this.subscriber.disconnect();
    this.reader.disconnect();
  }

  private async snapshot(): Promise<Map<string, State>> {
    const all: Buffer[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.reader.scanBuffer(cursor, 'COUNT', 1_000);
      cursor = String(next);
      all.push(...batch);
    } while (cursor !== '0');
    const raws = all.filter((k) => !excluded(k.toString('latin1')));
    const states = await this.read(raws);
    const out = new Map<string, State>();
    raws.forEach((raw, i) => {
      const state = states[i];
      if (state && state.digest !== 'none') out.set(raw.toString('latin1'), state);
    });
    return out;
  }

  private async read(raws: Buffer[]): Promise<State[]> {
    if (raws.length === 0) return [];
    const typed = await this.reader.pipeline(raws.map((k) => ['type', k])).exec();
    const types = (typed ?? []).map(([, t]) => String(t));
    const commands: Array<Array<string | Buffer>> = raws.map((k, i) => contentCommand(types[i] ?? 'none', k));
    const contents = await this.reader
      .pipeline(commands.map(([cmd, ...args]) => ['callBuffer', cmd, ...args] as [string, ...unknown[]]))
      .exec();
    return raws.map((raw, i) => {
      const type = types[i] ?? 'none';
      const [err, value] = contents?.[i] ?? [null, null];
      if (err) throw err;
      return stateOf(raw.toString('latin1'), type, value);
    });
  }
}

function excluded(key: string): boolean {
  return EXCLUSIONS.some((e) => e.fields === undefined && e.key.test(key));
}

function contentCommand(type: string, key: Buffer): Array<string | Buffer> {
  switch (type) {
    case 'string':
      return ['GET', key];
    case 'hash':
      return ['HGETALL', key];
    case 'set':
      return ['SMEMBERS', key];
    case 'zset':
      return ['ZRANGE', key, '0', '-1', 'WITHSCORES'];
    case 'list':
      return ['LRANGE', key, '0', '-1'];
    case 'stream':
      return ['XRANGE', key, '-', '+'];
    default:
      return ['EXISTS', key];
  }
}

function flat(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (Array.isArray(v)) return `[${v.map(flat).join(',')}]`;
  return String(v);
}

function pairs(list: Buffer[]): Array<[Buffer, Buffer]> {
  const out: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i] as Buffer, list[i + 1] as Buffer]);
  return out;
}

function stateOf(key: string, type: string, value: unknown): State {
  if (type === 'none') return ABSENT;
  let entries: string[];
  let summary: string;
  if (type === 'hash') {
    const dropped = new Set(
      EXCLUSIONS.filter((e) => e.fields && e.key.test(key)).flatMap((e) => e.fields ?? []),
    );
    const fields = pairs(value as Buffer[]).filter(([f]) => !dropped.has(f.toString('latin1')));
    entries = fields.map(([f, v]) => `${f.toString('hex')}=${v.toString('hex')}`).sort();
    summary = `hash {${fields
      .map(([f]) => f.toString('latin1'))
      .sort()
      .join(', ')
      .slice(0, 200)}}`;
  } else if (type === 'set') {
    entries = (value as Buffer[]).map((m) => m.toString('hex')).sort();
    summary = `set of ${entries.length}`;
  } else if (type === 'string') {
    entries = [flat(value)];
    summary = `string ${JSON.stringify((value as Buffer).toString('utf8').slice(0, 80))}`;
  } else {
    entries = Array.isArray(value) ? value.map(flat) : [flat(value)];
    summary = `${type} of ${type === 'zset' ? entries.length / 2 : entries.length}`;
  }
  const digest = createHash('sha256').update(type).update('\n').update(entries.join('\n')).digest('hex');
  return { digest, summary };
}

/** A key as text for a report (binary bytes escaped). */
function printable(key: string): string {
  return Buffer.from(key, 'latin1').toString('utf8');
}
