import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../../apps/server/src/infra/redis.js';
import { keys } from './keys.js';
import {
  classifyKey,
  readProjectFootprint,
  removeProjectFootprint,
  type SharedEntry,
} from './project-footprint.js';
import { RedisApiKeyStore } from './redis-api-key-store.js';
import { RedisBillingStore } from './redis-billing-store.js';
import { RedisProjectStore } from './redis-project-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import { RedisMemberStore } from './redis-user-store.js';

const redis = createRedis(inject('redisUrl'));
afterAll(() => redis.disconnect());

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const pid = () => `fp-${randomUUID().slice(0, 12)}`;

describe('classifyKey', () => {
  it('places every kind of key of the project, and nothing of anyone else', () => {
    const h = hex('x');
    const cases: Array<[string | Buffer, ReturnType<typeof classifyKey>]> = [
      ['project:{acme}', 'record'],
      ['project:{acme}:feedback:f1', 'prefixed'],
      [Buffer.concat([Buffer.from('project:{acme}:bin:'), Buffer.from([0xff, 0x00])]), 'prefixed'],
      ['project:{acme}:sessions', 'sessions-index'],
      [`apikey:${h}`, 'api-key'],
      [`session:${h}`, 'session'],
      ['billing:customer:cus_123', 'billing-customer'],
      ['projects:all', 'projects-index'],
      ['user:5b0c:projects', 'user-projects'],
      // Not the project's: another project (even one whose id starts alike), global records, caches, queues.
      ['project:{acme-2}:feedback:f1', null],
      ['project:{acme-2}', null],
      ['project:{acme}:', null],
      ['apikey:admins', null],
      ['apikey:short', null],
      ['billing:stripe-event:evt_1', null],
      ['user:5b0c', null],
      ['user:emails', null],
      [`emb:${h}`, null],
      ['bull:clustering:1', null],
      [Buffer.from([0xff, 0x61]), null],
    ];
    for (const [key, role] of cases) {
      expect(classifyKey('acme', typeof key === 'string' ? Buffer.from(key) : key), String(key)).toBe(role);
    }
  });
});

describe('the footprint of a project', () => {
  it('is its prefix, its record, and the global keys that point back at it: deleted whole, others kept', async () => {
    const id = pid();
    const other = `${id}-2`;
    const projects = new RedisProjectStore(redis);
    const apiKeys = new RedisApiKeyStore(redis);
    const members = new RedisMemberStore(redis);
    const billing = new RedisBillingStore(redis);
    const sessions = new RedisSessionStore(redis);
    const at = '2026-01-01T00:00:00.000Z';
    const key = (projectId: string, name: string) => ({
      id: name,
      projectId,
      name,
      prefix: name,
      createdAt: at,
      admin: false,
      scopes: ['admin' as const],
    });
    for (const p of [id, other]) await projects.create({ id: p, name: p, createdAt: at });
    await apiKeys.create(key(id, 'k1'), hex(`${id}k1`));
    await apiKeys.create(key(other, 'k1'), hex(`${other}k1`));
    // An index entry naming a key that belongs to someone else is not followed.
    await redis.hset(keys.apiKeys(id), 'stray', hex(`${other}k1`));
    await sessions.create(
      hex(`${id}s`),
      {
        kind: 'key',
        keyHash: hex(`${id}k1`),
        projectId: id,
        keyId: 'k1',
        createdAt: at,
        refreshedAtMs: Date.now(),
      },
      60_000,
    );
    const user = `u-${randomUUID()}`;
    await members.set(id, user, 'owner', 1_000);
    await members.set(other, user, 'owner', 2_000);
    await billing.linkCustomer(`cus_${id}`, id);
    await billing.apply(id, { customerId: `cus_${id}` }, 1);
    await redis.set(keys.feedback(id, 'f1'), 'x');

    const footprint = await readProjectFootprint(redis, id);
    const owned = footprint.owned.map((o) => [o.key.toString(), o.role]).sort();
    expect(owned).toEqual(
      [
        [keys.project(id), 'record'],
        [keys.apiKeys(id), 'prefixed'],
        [keys.billing(id), 'prefixed'],
        [keys.feedback(id, 'f1'), 'prefixed'],
        [keys.projectMembers(id), 'prefixed'],
        [keys.projectSessions(id), 'sessions-index'],
        [keys.apiKey(hex(`${id}k1`)), 'api-key'],
        [keys.session(hex(`${id}s`)), 'session'],
        [keys.billingCustomer(`cus_${id}`), 'billing-customer'],
      ].sort(),
    );
    expect(footprint.shared).toEqual<SharedEntry[]>([
      { key: keys.projectsAll(), role: 'projects-index' },
      { key: keys.userProjects(user), role: 'user-projects', score: '1000' },
    ]);

    expect(await removeProjectFootprint(redis, id)).toBe(9);
    expect(await readProjectFootprint(redis, id)).toEqual({ owned: [], shared: [] });
    // The neighbour keeps its record, its key, and its place in the shared indexes.
    expect(await projects.get(other)).not.toBeNull();
    expect(await apiKeys.findByHash(hex(`${other}k1`))).not.toBeNull();
    expect(await redis.zrange(keys.userProjects(user), 0, -1)).toEqual([other]);
    expect(await redis.sismember(keys.projectsAll(), other)).toBe(1);
    await removeProjectFootprint(redis, other);
    expect(await redis.exists(keys.userProjects(user))).toBe(0);
  });
});
