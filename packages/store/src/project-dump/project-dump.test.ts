import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../../apps/server/src/infra/redis.js';
import { keys } from '../keys.js';
import { removeProjectFootprint, startsWithPattern } from '../project-footprint.js';
import { RedisApiKeyStore } from '../redis-api-key-store.js';
import { RedisProjectStore } from '../redis-project-store.js';
import { RedisSessionStore } from '../redis-session-store.js';
import { RedisMemberStore } from '../redis-user-store.js';
import { exportProject } from './export-project.js';
import { importProject } from './import-project.js';
import { checksumOf, DumpError, parseDump } from './parse-dump.js';

const redis = createRedis(inject('redisUrl'));
afterAll(() => redis.disconnect());

const AT = new Date('2026-02-01T00:00:00.000Z');
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const bin = (...bytes: number[]) => Buffer.from(bytes);

async function keysMatching(pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...batch);
  } while (cursor !== '0');
  return out;
}

/** A project holding every Redis type, binary keys and values, expiries and trimmed streams. */
async function populate(): Promise<{ id: string; user: string; keyHash: string }> {
  const id = `dump-${randomUUID().slice(0, 12)}`;
  const p = (rest: string) => `${keys.prefix(id)}${rest}`;
  await new RedisProjectStore(redis).create({ id, name: 'Dumped', createdAt: AT.toISOString() });
  const keyHash = hex(`${id}-key`);
  await new RedisApiKeyStore(redis).create(
    {
      id: 'k1',
      projectId: id,
      name: 'ci',
      prefix: 'flk_x',
      createdAt: AT.toISOString(),
      admin: false,
      scopes: ['ingest'],
    },
    keyHash,
  );
  const user = `u-${randomUUID()}`;
  await new RedisMemberStore(redis).set(id, user, 'owner', 1_700_000_000_123);
  await new RedisSessionStore(redis).create(
    hex(`${id}-session`),
    {
      kind: 'key',
      keyHash,
      projectId: id,
      keyId: 'k1',
      createdAt: AT.toISOString(),
      refreshedAtMs: Date.now(),
    },
    3_600_000,
  );
  await redis.set(p('text'), 'plain text ☃');
  await redis.set(p('bom'), Buffer.from('\uFEFFbom'));
  await redis.set(Buffer.concat([Buffer.from(p('bin:')), bin(0xff, 0x00)]), bin(0x00, 0x80, 0xff));
  await redis.set(p('empty'), '');
  const fields: Array<string | Buffer> = [];
  for (let i = 0; i < 1_200; i++) fields.push(`f${i}`, Buffer.from(new Float32Array([i / 7]).buffer));
  fields.push(bin(0xfe, 0x01), bin(0xc0));
  await redis.hset(p('feedback:vectors'), ...fields);
  await redis.sadd(p('set'), ...Array.from({ length: 1_100 }, (_, i) => `m${i}`), bin(0x80));
  await redis.zadd(p('zset'), '1712345678901', 'a', '0.1', 'b', '-inf', 'c', '+inf', 'd', '1e300', bin(0xff));
  await redis.rpush(p('list'), 'x', 'x', bin(0xff), '');
  await redis.xadd(p('job:j1:logs'), '1-0', 'step', 'clone', 'line', 'a');
  await redis.xadd(p('job:j1:logs'), '2-5', 'step', 'run', 'line', bin(0xff));
  await redis.xadd(p('job:j1:logs'), '3-0', 'step', 'run', 'line', 'c');
  await redis.xdel(p('job:j1:logs'), '3-0');
  await redis.xadd(p('job:j2:logs'), '5-0', 'line', 'gone');
  await redis.xdel(p('job:j2:logs'), '5-0');
  await redis.set(p('lock:clustering'), 'token', 'PX', 3_600_000);
  return { id, user, keyHash };
}

async function streamInfo(key: string): Promise<Record<string, unknown>> {
  const flat = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

describe('export and import of a project', () => {
  it('round-trips every type, binary data, expiries and stream ids; leaves sessions and nothing staged', async () => {
    const { id, user, keyHash } = await populate();
    const first = await exportProject(redis, id, AT);
    expect(JSON.parse(first[0] as string)).toEqual({
      format: 'fixloop-project-dump',
      version: 1,
      projectId: id,
      exportedAt: AT.toISOString(),
      keyCount: first.length - 2,
    });
    expect(JSON.parse(first.at(-1) as string)).toMatchObject({
      keyCount: first.length - 2,
      sha256: checksumOf(first.slice(1, -1)),
    });
    const text = first.join('\n');
    expect(text).not.toContain('session:');
    expect(text).not.toContain(keys.projectSessions(id));
    expect(text).toContain(keys.apiKey(keyHash));
    expect(text).toContain(
      `{"key":"${keys.userProjects(user)}","type":"zset","shared":true,"value":[["${id}","1700000000123"]]}`,
    );

    await removeProjectFootprint(redis, id);
    expect(await keysMatching(startsWithPattern(keys.prefix(id)))).toEqual([]);
    const summary = await importProject(redis, parseDump(Buffer.from(`${first.join('\n')}\n`), id), {
      replace: false,
    });
    expect(summary).toEqual({ written: first.length - 2, expired: 0, replaced: 0 });

    expect(await exportProject(redis, id, AT)).toEqual(first);
    const p = (rest: string) => `${keys.prefix(id)}${rest}`;
    expect(await redis.getBuffer(Buffer.concat([Buffer.from(p('bin:')), bin(0xff, 0x00)]))).toEqual(
      bin(0x00, 0x80, 0xff),
    );
    expect(await redis.pttl(p('lock:clustering'))).toBeGreaterThan(3_000_000);
    expect(await redis.pttl(p('text'))).toBe(-1);
    expect(await streamInfo(p('job:j1:logs'))).toMatchObject({ length: 2, 'last-generated-id': '3-0' });
    expect(await streamInfo(p('job:j2:logs'))).toMatchObject({ length: 0, 'last-generated-id': '5-0' });
    expect(await redis.zscore(keys.userProjects(user), id)).toBe('1700000000123');
    expect(await keysMatching(`import:{${id}}:*`)).toEqual([]);
    await removeProjectFootprint(redis, id);
  });

  it('refuses a project that has data without replace, and with it swaps the old footprint for the dump', async () => {
    const { id } = await populate();
    const dump = await exportProject(redis, id, AT);
    const parsed = parseDump(Buffer.from(`${dump.join('\n')}\n`), id);

    await expect(importProject(redis, parsed, { replace: false })).rejects.toThrow(
      /already has data.*--replace/,
    );

    // Changes after the backup: a new key, an edited value, a second API key and a session opened with it.
    await redis.set(`${keys.prefix(id)}new`, 'after the backup');
    await redis.hset(keys.project(id), 'name', 'Renamed');
    const later = hex(`${id}-later`);
    await new RedisApiKeyStore(redis).create(
      {
        id: 'k2',
        projectId: id,
        name: 'late',
        prefix: 'flk_y',
        createdAt: AT.toISOString(),
        admin: false,
        scopes: ['admin'],
      },
      later,
    );
    await new RedisSessionStore(redis).create(
      hex(`${id}-s2`),
      {
        kind: 'key',
        keyHash: later,
        projectId: id,
        keyId: 'k2',
        createdAt: AT.toISOString(),
        refreshedAtMs: Date.now(),
      },
      3_600_000,
    );
    const summary = await importProject(redis, parsed, { replace: true });
    expect(summary.replaced).toBeGreaterThan(dump.length - 2);
    expect(await exportProject(redis, id, AT)).toEqual(dump);
    expect(
      await redis.exists(`${keys.prefix(id)}new`, keys.apiKey(later), keys.session(hex(`${id}-s2`))),
    ).toBe(0);
    await removeProjectFootprint(redis, id);
  });

  it('refuses a key this Redis gives to another project, and writes nothing', async () => {
    const { id, keyHash } = await populate();
    const dump = await exportProject(redis, id, AT);
    await removeProjectFootprint(redis, id);
    await redis.hset(keys.apiKey(keyHash), { id: 'theirs', projectId: 'someone-else' });

    const parsed = parseDump(Buffer.from(`${dump.join('\n')}\n`), id);
    await expect(importProject(redis, parsed, { replace: false })).rejects.toThrow(
      /API key of another project/,
    );
    expect(await redis.exists(keys.project(id))).toBe(0);
    expect(await keysMatching(startsWithPattern(keys.prefix(id)))).toEqual([]);
    expect(await redis.hget(keys.apiKey(keyHash), 'projectId')).toBe('someone-else');
    await redis.del(keys.apiKey(keyHash));
  });

  it('leaves nothing behind when Redis refuses a key half-way, and skips keys already expired', async () => {
    const { id } = await populate();
    const dump = await exportProject(redis, id, AT);
    await removeProjectFootprint(redis, id);
    const body = dump.slice(1, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Valid JSON for the dump, refused by Redis at XSETID: a deleted id past the last one.
    body.push({
      key: `${keys.prefix(id)}zz:stream`,
      type: 'stream',
      value: { lastId: '7-0', maxDeletedId: '9-0', entriesAdded: 1, entries: [['7-0', ['a', 'b']]] },
    });
    const bad = rebuilt(dump, body);
    await expect(importProject(redis, parseDump(bad, id), { replace: false })).rejects.toThrow(/XSETID/);
    expect(await keysMatching(startsWithPattern(keys.prefix(id)))).toEqual([]);
    expect(await redis.exists(keys.project(id))).toBe(0);
    expect(await keysMatching(`import:{${id}}:*`)).toEqual([]);

    body.pop();
    body.push({ key: `${keys.prefix(id)}zz:expired`, type: 'string', expiresAt: Date.now() - 1, value: 'x' });
    const summary = await importProject(redis, parseDump(rebuilt(dump, body), id), { replace: false });
    expect(summary.expired).toBe(1);
    expect(await redis.exists(`${keys.prefix(id)}zz:expired`)).toBe(0);
    await removeProjectFootprint(redis, id);
  });

  it('answers a clear error for an unknown project', async () => {
    await expect(exportProject(redis, 'no-such-project', AT)).rejects.toThrow(DumpError);
  });
});

/** The dump with other key lines (header and trailer recomputed). */
function rebuilt(dump: string[], body: Array<Record<string, unknown>>): Buffer {
  const lines = body.map((b) => JSON.stringify(b));
  const header = { ...JSON.parse(dump[0] as string), keyCount: lines.length };
  const trailer = { ...JSON.parse(dump.at(-1) as string), keyCount: lines.length, sha256: checksumOf(lines) };
  return Buffer.from(`${[JSON.stringify(header), ...lines, JSON.stringify(trailer)].join('\n')}\n`);
}
