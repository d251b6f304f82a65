import type { FeedbackItem } from '@fixloop/contracts';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../keys.js';
import { RedisAgentJobStore } from '../redis-agent-job-store.js';
import { RedisClusterStore } from '../redis-cluster-store.js';
import { RedisFeedbackStore } from '../redis-feedback-store.js';
import { RedisJobLogStore } from '../redis-job-log-store.js';
import { INTERRUPTED } from './convert-job.js';
import { LEGACY_REPRESENTATION } from './migrate-clusters.js';
import { migrateLegacy } from './migrate-legacy.js';
import { formatReport, type MigrationReport } from './report.js';
import { type LegacyFixture, seedLegacy } from './testing/legacy-fixture.js';
import { diffKeys, snapshot, startLegacyRedis } from './testing/legacy-redis.js';

const PID = 'default';
const NOW = new Date('2026-02-01T12:00:00.000Z');
const now = () => NOW;

let server: Awaited<ReturnType<typeof startLegacyRedis>>;
let redis: Redis;
let fixture: LegacyFixture;
let dry: MigrationReport;
let report: MigrationReport;
let todayId: string;

/** A report today's server stored before the migration, with the external id of a legacy row. */
async function seedToday(): Promise<string> {
  const { item } = await new RedisFeedbackStore(redis, now).addFeedbackItem(PID, {
    source: 'github',
    externalId: 'acme/web#99',
    title: 'Synced by today’s server',
    body: '',
    status: 'open',
    metadata: {},
  });
  return item.id;
}

beforeAll(async () => {
  server = await startLegacyRedis();
  redis = server.redis;
  fixture = await seedLegacy(redis);
  todayId = await seedToday();
  const before = await snapshot(redis);
  dry = await migrateLegacy(redis, server.tx, { dryRun: true, now });
  expect(diffKeys(before, await snapshot(redis))).toEqual([]);
  report = await migrateLegacy(redis, server.tx, { now });
  process.stderr.write(`legacy migration of the fixture: ${report.seconds.toFixed(2)} s\n`);
}, 120_000);
afterAll(async () => server?.stop());

const wanted = (e: string) => fixture.feedback.filter((r) => r.expect === e).length;

describe('migrateLegacy on a seed dataset', () => {
  it('counts every legacy record per kind, and the dry run predicted exactly that', () => {
    const f = report.kinds.feedback;
    expect(f.found).toBe(fixture.feedback.length + 2); // + a string key and an index-only id
    expect(f.migrated).toBe(wanted('migrate'));
    expect(f.duplicates).toBe(wanted('duplicate'));
    expect(f.alreadyThere).toBe(0);
    expect(f.skipped.map((s) => s.key).sort()).toEqual(
      [
        'feedback:odd-badsource',
        'feedback:odd-empty',
        'feedback:odd-indexonly',
        'feedback:odd-string',
        'feedback:sources',
      ].sort(),
    );
    const c = report.kinds.clusters;
    expect(c.found).toBe(fixture.clusters.length + 2); // + an orphan member set and an index-only id
    expect(c.migrated).toBe(fixture.clusters.filter((x) => x.expect === 'migrate').length);
    expect(c.skipped.map((s) => s.key).sort()).toEqual([
      'cluster:c-empty',
      'cluster:c-ghost',
      'cluster:items:orphan-1',
    ]);
    const j = report.kinds.jobs;
    expect(j.found).toBe(fixture.jobs.length);
    expect(j.migrated).toBe(fixture.jobs.length - 1);
    expect(j.skipped).toEqual([{ key: 'job:j-nocluster', reason: 'no cluster_id' }]);
    expect(report.kinds.config).toMatchObject({ found: 1, migrated: 1 });
    expect(report.unrecognized.map((u) => u.example).sort()).toEqual(fixture.unrecognized);
    expect(report.reclusterMarked).toBe(true);
    for (const k of ['feedback', 'clusters', 'jobs', 'config'] as const) {
      const { found, migrated, alreadyThere, duplicates, skipped } = dry.kinds[k];
      const real = report.kinds[k];
      expect({ k, found, migrated, alreadyThere, duplicates, skipped: skipped.length }).toEqual({
        k,
        found: real.found,
        migrated: real.migrated,
        alreadyThere: real.alreadyThere,
        duplicates: real.duplicates,
        skipped: real.skipped.length,
      });
    }
  });

  it('stores every convertible report under its legacy id, with the right fields and indexes', async () => {
    const store = new RedisFeedbackStore(redis, now);
    const ids = await store.allIds(PID);
    expect(ids.length).toBe(wanted('migrate') + 1);
    const items = new Map(
      (await store.getMany(PID, ids)).filter((i): i is FeedbackItem => i !== null).map((i) => [i.id, i]),
    );
    for (const row of fixture.feedback.filter((r) => r.expect === 'migrate')) {
      const item = items.get(row.id);
      expect(item, row.id).toBeDefined();
      expect(item?.projectId).toBe(PID);
      expect(item?.ingestedAt).toBe(NOW.toISOString());
      if (/^[0-9a-f]{8}-/.test(row.id)) {
        expect(item?.createdAt).toBe(row.createdAt);
        expect(item?.title).toBe(row.hash.title);
        expect(item?.body).toBe(row.hash.body);
        expect(item?.source).toBe(row.hash.source);
        expect(item?.author).toBe(JSON.parse(row.hash.metadata as string).author);
        const ext = row.hash.external_id;
        const want = ext?.startsWith('t3_') ? ext.slice(3) : ext?.toLowerCase();
        expect(item?.externalId).toBe(want);
        if (want)
          expect(await redis.get(keys.feedbackExternal(PID, row.hash.source as string, want))).toBe(row.id);
      }
      expect(await redis.zscore(keys.feedbackCreated(PID), row.id)).toBe(
        String(Date.parse(item?.createdAt ?? '')),
      );
      expect(await redis.zscore(keys.feedbackSource(PID, item?.source ?? ''), row.id)).not.toBeNull();
    }
    expect((await redis.smembers(keys.feedbackSourcesKnown(PID))).sort()).toEqual([
      'github',
      'manual',
      'reddit',
      'sentry',
    ]);
    // Exactly the open reports in no cluster wait for clustering.
    const waiting = new Set(await redis.smembers(keys.feedbackUnclustered(PID)));
    for (const item of items.values()) {
      expect(waiting.has(item.id), item.id).toBe(item.status === 'open' && item.clusterId === undefined);
    }
  });

  it('converts the odd reports as documented', async () => {
    const get = (id: string) => new RedisFeedbackStore(redis).get(PID, id);
    expect(await get('odd-rawtext')).toMatchObject({
      title: '',
      body: 'Only raw text',
      createdAt: '2024-02-01T00:00:00.000Z',
    });
    expect((await get('odd-naive-micro'))?.createdAt).toBe('2024-03-05T10:11:12.123Z');
    expect((await get('odd-epoch'))?.createdAt).toBe('2023-11-14T22:13:20.500Z');
    expect((await get('odd-nocreated'))?.createdAt).toBe('2023-07-22T04:26:40.000Z');
    expect((await get('odd-offset'))?.createdAt).toBe('2024-01-02T00:00:00.000Z');
    expect((await get('odd-badmeta'))?.metadata).toEqual({ legacyMetadata: 'not json{' });
    expect(await get('odd-closed')).toMatchObject({ status: 'closed', externalId: 'S-1' });
    expect(await get('odd-reddit')).toMatchObject({ externalId: 'abc123', url: 'https://redd.it/abc123' });
    expect((await get('odd-extra'))?.metadata).toEqual({ legacyFields: { subreddit: 'programming' } });
    expect((await get('odd-nosource'))?.source).toBe('manual');
    expect((await get('odd-longtitle'))?.title.length).toBe(1_000);
    expect(await get('odd-author')).toMatchObject({ author: 'octocat', externalId: 'acme/api#1' });
    expect((await get('odd-nul'))?.title).toBe('Nulbyte');
    expect((await get('odd-status'))?.status).toBe('open');
    expect(await get('odd-dup-a')).toMatchObject({ externalId: 'acme/web#700000', title: 'First copy' });
    expect(await get('odd-dup-b')).toBeNull();
    expect(await get('odd-today-dup')).toBeNull();
    expect(await redis.hgetall('migration:legacy:aliases')).toEqual({
      'odd-dup-b': 'odd-dup-a',
      'odd-today-dup': todayId,
    });
  });

  it('moves cluster members in through the store: sizes, counts, authors, days and indexes agree', async () => {
    const clusters = new RedisClusterStore(redis, server.tx);
    const store = new RedisFeedbackStore(redis);
    expect(await clusters.getRepresentation(PID)).toBe(LEGACY_REPRESENTATION);
    expect(await redis.exists(keys.feedbackVectors(PID))).toBe(0);
    const all = await redis.zrange(keys.clustersAll(PID), 0, -1);
    expect(all.length).toBe(report.kinds.clusters.migrated);
    for (const id of all) {
      const c = await clusters.get(PID, id);
      const members = await clusters.memberIds(PID, id);
      const items = (await store.getMany(PID, members)).filter((i): i is FeedbackItem => i !== null);
      expect(items.length).toBe(members.length);
      expect(c?.size).toBe(members.length);
      expect(await redis.zscore(keys.clustersBySize(PID), id)).toBe(String(members.length));
      expect(await redis.zscore(keys.clustersAll(PID), id)).toBe(String(Date.parse(c?.updatedAt ?? '')));
      for (const i of items) expect(i.clusterId).toBe(id);
      const bySource: Record<string, number> = {};
      const authors: Record<string, string> = {};
      const days: Record<string, string> = {};
      for (const i of items) {
        bySource[i.source] = (bySource[i.source] ?? 0) + 1;
        if (i.author) authors[i.author] = String(Number(authors[i.author] ?? 0) + 1);
        const d = i.createdAt.slice(0, 10);
        days[d] = String(Number(days[d] ?? 0) + 1);
      }
      expect(c?.countsBySource).toEqual(bySource);
      expect(await redis.hgetall(keys.clusterAuthors(PID, id))).toEqual(authors);
      expect(c?.reporters).toBe(Object.keys(authors).length);
      expect(await redis.hgetall(keys.clusterDays(PID, id))).toEqual(days);
      expect(await redis.exists(keys.clusterSum(PID, id))).toBe(0);
      expect(await redis.hexists(keys.cluster(PID, id), 'cohesion')).toBe(0);
    }
    // Legacy member lists, resolved: each migrated member is in exactly the first cluster listing it.
    const owner = new Map<string, string>();
    for (const c of [...fixture.clusters].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (c.expect !== 'migrate') continue;
      for (const m of c.members) {
        const holder = m === 'odd-dup-b' ? 'odd-dup-a' : m;
        if (!owner.has(holder)) owner.set(holder, c.id);
      }
    }
    for (const [m, c] of owner) expect((await store.get(PID, m))?.clusterId, m).toBe(c);
    // Members of triaged clusters are pinned (they anchor the recluster); the engine's `new` ones are not.
    const pinned = new Set(await redis.smembers(keys.feedbackPinned(PID)));
    for (const [m, c] of owner) {
      expect(pinned.has(m), m).toBe((await clusters.get(PID, c))?.status !== 'new');
    }
  });

  it('keeps the legacy cluster fields and maps statuses', async () => {
    const clusters = new RedisClusterStore(redis, server.tx);
    expect(await clusters.get(PID, 'c-fixing')).toMatchObject({
      status: 'triaged',
      title: 'Fixing',
      createdAt: '2024-01-01T00:00:00.000Z',
      size: 3,
    });
    expect(await clusters.get(PID, 'c-pr')).toMatchObject({
      status: 'pr_opened',
      prUrl: 'https://github.com/acme/web/pull/5',
    });
    const resolved = await clusters.get(PID, 'c-resolved');
    expect(resolved?.status).toBe('fixed');
    expect(resolved?.title).not.toBe(''); // the first member's title stands in
    expect((await clusters.get(PID, 'p4-cluster'))?.title).toBe('Phase four');
    const first = [...fixture.clusters].find((c) => /^[0-9a-f]{8}-/.test(c.id));
    const r0 = await clusters.get(PID, first?.id ?? '');
    expect(r0).toMatchObject({ title: 'Cluster 0', summary: 'Summary of cluster 0', status: 'new' });
    expect(r0?.createdAt).toBe('2024-01-01T00:00:00.000Z');
    expect(r0?.updatedAt).toBe('2024-01-01T00:10:00.000Z');
    expect(await clusters.get(PID, 'c-empty')).toBeNull();
  });

  it('migrates agent jobs with their logs and indexes; running ones end failed', async () => {
    const jobs = new RedisAgentJobStore(redis);
    const logs = new RedisJobLogStore(redis);
    const lines = async (id: string) =>
      (await logs.read(PID, id, undefined, 100)).map((l) => [l.stream, l.line]);
    expect(await jobs.get(PID, 'j-running')).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
      finishedAt: NOW.toISOString(),
      createdAt: '2024-01-05T00:00:00.000Z',
    });
    expect((await jobs.get(PID, 'j-queued'))?.status).toBe('failed');
    expect(await jobs.get(PID, 'j-nostatus')).toMatchObject({
      status: 'failed',
      error: 'the legacy job had no status',
    });
    expect(await lines('j-textlogs')).toEqual([
      ['stdout', 'line one'],
      ['stdout', 'line two'],
    ]);
    expect(await lines('j-objlogs')).toEqual([['stderr', '[2024-01-01T00:00:00.000Z] boom']]);
    expect((await lines('j-extra'))[0]).toEqual([
      'info',
      'legacy fields: {"artifact_url":"https://example.com/a.zip"}',
    ]);
    expect(await lines('j-listlogs')).toEqual([
      ['stdout', 'in the hash'],
      ['stdout', 'from the list 1'],
      ['stdout', 'from the list 2'],
    ]);
    const regular = fixture.jobs.filter((j) => /^[0-9a-f]{8}-/.test(j.id));
    for (const [i, j] of regular.entries()) {
      const job = await jobs.get(PID, j.id);
      const want = ['succeeded', 'failed', 'cancelled', 'succeeded', 'succeeded'][i % 5];
      expect(job).toMatchObject({ status: want, clusterId: j.hash.cluster_id, stats: { logLines: 2 } });
      if (j.hash.pr_url) expect(job?.prUrl).toBe(j.hash.pr_url);
      expect(await redis.zscore(keys.agentJobs(PID), j.id)).toBe(String(Date.parse(job?.createdAt ?? '')));
      expect(
        await redis.zscore(keys.clusterAgentJobs(PID, j.hash.cluster_id as string), j.id),
      ).not.toBeNull();
    }
    expect(await redis.exists(keys.agentJobsActive(PID))).toBe(0);
    expect(await redis.lrange(keys.redditSubreddits(PID), 0, -1)).toEqual(['programming', 'typescript']);
  });

  it('a second run changes nothing and says so', async () => {
    const before = await snapshot(redis);
    const again = await migrateLegacy(redis, server.tx, { now: () => new Date() });
    expect(diffKeys(before, await snapshot(redis))).toEqual([]);
    for (const k of ['feedback', 'clusters', 'jobs', 'config'] as const)
      expect(again.kinds[k].migrated).toBe(0);
    expect(again.kinds.feedback.alreadyThere).toBe(wanted('migrate'));
    expect(again.kinds.clusters.alreadyThere).toBe(report.kinds.clusters.migrated);
    expect(again.kinds.jobs.alreadyThere).toBe(report.kinds.jobs.migrated);
    expect(again.reclusterMarked).toBe(false);
    expect(formatReport(again).join('\n')).toContain('Nothing changed');
  });
});
