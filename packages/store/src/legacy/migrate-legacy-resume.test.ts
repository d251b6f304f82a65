import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../keys.js';
import { RedisClusterJobStore } from '../redis-cluster-job-store.js';
import { RedisClusterStore } from '../redis-cluster-store.js';
import { RedisFeedbackStore } from '../redis-feedback-store.js';
import { MigrationBusyError, migrateLegacy } from './migrate-legacy.js';
import type { LegacyKind } from './report.js';
import { seedLegacy } from './testing/legacy-fixture.js';
import { diffKeys, snapshot, startLegacyRedis } from './testing/legacy-redis.js';

const NOW = new Date('2026-02-01T12:00:00.000Z');
const now = () => NOW;
const SIZE = { feedback: 1_200, clusters: 60, jobs: 30 };

let server: Awaited<ReturnType<typeof startLegacyRedis>>;
let redis: Redis;
/** The end state of one uninterrupted run over the fixture. */
let clean: Map<string, string>;
/** Write steps of that run, by kind, in order. */
let steps: Array<[LegacyKind, string]>;

async function reseed(): Promise<void> {
  await redis.flushall();
  await seedLegacy(redis, SIZE);
  await new RedisFeedbackStore(redis, now).addFeedbackItem('default', {
    source: 'github',
    externalId: 'acme/web#99',
    title: 'Synced by today’s server',
    body: '',
    status: 'open',
    metadata: {},
  });
}

/** Snapshot without the one report whose random id the setup gives (it differs per seeding). */
async function state(): Promise<Map<string, string>> {
  const today = (await redis.get(keys.feedbackExternal('default', 'github', 'acme/web#99'))) ?? '\u0000';
  return snapshot(redis, '*', (s) => s.replaceAll(today, 'TODAY'));
}

beforeAll(async () => {
  server = await startLegacyRedis();
  redis = server.redis;
  await reseed();
  steps = [];
  await migrateLegacy(redis, server.tx, {
    now,
    batchSize: 100,
    afterWrite: (k, id) => void steps.push([k, id]),
  });
  clean = await state();
}, 120_000);
afterAll(async () => server?.stop());

describe('migrateLegacy after a crash', () => {
  const crashes: Array<[string, (s: Array<[LegacyKind, string]>) => number]> = [
    ['in the middle of the reports', (s) => Math.floor(s.filter(([k]) => k === 'feedback').length / 2)],
    ['in the middle of the clusters', (s) => s.findIndex(([k]) => k === 'clusters') + 25],
    ['between a job’s log and its hash', (s) => s.findIndex(([k]) => k === 'jobs') + 5],
  ];
  it.each(crashes)(
    'resumes %s and ends in the same state as one clean run',
    async (_, at) => {
      await reseed();
      const stopAt = at(steps);
      let n = 0;
      const crash = async () =>
        migrateLegacy(redis, server.tx, {
          now,
          batchSize: 100,
          afterWrite: () => {
            if (++n === stopAt) throw new Error('simulated crash');
          },
        });
      await expect(crash()).rejects.toThrow('simulated crash');
      expect(diffKeys(clean, await state()).length).toBeGreaterThan(0);
      const resumed = await migrateLegacy(redis, server.tx, { now, batchSize: 100 });
      expect(Object.keys(resumed.resumedAfter).length).toBe(1);
      expect(diffKeys(clean, await state())).toEqual([]);
    },
    60_000,
  );

  it('takes over the clustering lock a crashed run left behind, but not a clustering run’s', async () => {
    await reseed();
    await redis.hset('migration:legacy', 'lockToken', 'crashed-run');
    const jobs = new RedisClusterJobStore(redis);
    await jobs.acquireLock('default', 'crashed-run', 60_000);
    await migrateLegacy(redis, server.tx, { now, dryRun: false });
    expect(await redis.exists(keys.clusteringLock('default'))).toBe(0);
    expect(await redis.hget('migration:legacy', 'lockToken')).toBeNull();

    await jobs.acquireLock('default', 'a-clustering-run', 60_000);
    await expect(migrateLegacy(redis, server.tx, { now })).rejects.toBeInstanceOf(MigrationBusyError);
    expect(await redis.get(keys.clusteringLock('default'))).toBe('a-clustering-run');
    await redis.del(keys.clusteringLock('default'));
  }, 60_000);
});

describe('a rerun after the project has moved on', () => {
  it('leaves alone what changed since: a deleted report, a member moved out of its cluster', async () => {
    await reseed();
    await migrateLegacy(redis, server.tx, { now });
    const feedback = new RedisFeedbackStore(redis, now);
    const clusters = new RedisClusterStore(redis, server.tx);
    expect(await feedback.delete('default', 'odd-rawtext')).toBe(true);
    const [member] = await clusters.memberIds('default', 'c-fixing');
    await clusters.moveItems('default', [{ itemId: member as string, to: null }], { now: NOW });
    const before = await snapshot(redis);
    const again = await migrateLegacy(redis, server.tx, { now });
    expect(diffKeys(before, await snapshot(redis))).toEqual([]);
    expect(again.kinds.feedback.migrated).toBe(0);
    expect(again.kinds.clusters.migrated).toBe(0);
  }, 60_000);
});

describe('--delete-legacy', () => {
  it('deletes only legacy keys whose record is in the new layout; a dry run only counts them', async () => {
    await reseed();
    await migrateLegacy(redis, server.tx, { now });
    const before = await snapshot(redis);
    const dry = await migrateLegacy(redis, server.tx, { now, dryRun: true, deleteLegacy: true });
    expect(diffKeys(before, await snapshot(redis))).toEqual([]);

    const report = await migrateLegacy(redis, server.tx, { now, deleteLegacy: true });
    expect(report.deletion).toEqual(dry.deletion);
    const after = await snapshot(redis);
    const changed = diffKeys(before, after);
    // Nothing of today's layout or the migration's bookkeeping changed.
    expect(changed.filter((k) => k.startsWith('project:') || k.startsWith('migration:'))).toEqual([]);
    const left = [...after.keys()]
      .filter((k) => !k.startsWith('project:') && !k.startsWith('migration:'))
      .sort();
    expect(left).toEqual(
      [
        'cluster:c-empty',
        'cluster:items:c-empty',
        'cluster:items:orphan-1',
        'cluster_job:5f2c',
        'clusters:all',
        'feedback:created',
        'feedback:odd-badsource',
        'feedback:odd-empty',
        'feedback:odd-string',
        'feedback:source:Git Hub!',
        'feedback:source:manual',
        'feedback:sources',
        'job:j-nocluster',
        'projects:all',
        'stats:daily:2024-01-01',
      ].sort(),
    );
    // Kept indexes list only what is not in the new layout.
    expect(await redis.zrange('feedback:created', 0, -1)).toEqual(
      expect.arrayContaining(['odd-badsource', 'odd-empty', 'odd-indexonly', 'sources']),
    );
    expect(await redis.zcard('feedback:created')).toBe(4);
    expect((await redis.zrange('clusters:all', 0, -1)).sort()).toEqual(['c-empty', 'c-ghost']);
    expect(report.deletion?.kept.map((k) => k.key)).toContain('job:j-nocluster');

    // Nothing more to do afterwards.
    const again = await migrateLegacy(redis, server.tx, { now: () => new Date(), deleteLegacy: true });
    expect(diffKeys(after, await snapshot(redis))).toEqual([]);
    expect(again.kinds.feedback.migrated).toBe(0);
  }, 60_000);
});
