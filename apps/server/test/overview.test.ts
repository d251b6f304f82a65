import type { Cluster, ClusterJob, Overview } from '@fixloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterApi, clusterApi, ok, type Project, row } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';
import { openAiApi, openAiControl } from './support/openai-api.js';
import { type StandIn, startStandIn } from './support/stand-ins.js';

let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;

beforeAll(async () => {
  api = await startStandIn(openAiApi(openAiControl()));
  ctx = await createTestContext({
    ROLE: 'all',
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    CLUSTERING_SIM_THRESHOLD: '0.8',
    CLUSTERING_DEBOUNCE_MS: '0',
  });
  http = clusterApi(ctx);
});
afterAll(async () => {
  await ctx?.close();
  await api?.close();
});

const DAY = 86_400_000;
/** One o'clock UTC, `n` days before today: inside that UTC day whatever the time now. */
const daysAgo = (n: number) =>
  new Date(Math.floor(Date.now() / DAY) * DAY - n * DAY + 3_600_000).toISOString();
const dayName = (n: number) => daysAgo(n).slice(0, 10);

describe('GET /overview', () => {
  let p: Project;
  let overview: Overview;
  let clusters: Record<string, string>;

  beforeAll(async () => {
    p = await ctx.createProject();
    const rows = [
      // alpha: three reports today (manual, reddit) → the fastest-growing cluster.
      row('alpha', { createdAt: daysAgo(0) }),
      row('alpha', { createdAt: daysAgo(0) }),
      row('alpha', { source: 'reddit', externalId: 'ov1', createdAt: daysAgo(0) }),
      // beta: two GitHub reports five days ago.
      row('beta', { source: 'github', externalId: 'acme/web#1', createdAt: daysAgo(5) }),
      row('beta', { source: 'github', externalId: 'acme/web#2', createdAt: daysAgo(5) }),
      // gamma: two reports, 3 and 29 days ago (in the chart, out of the 7-day trend but one).
      row('gamma', { createdAt: daysAgo(3) }),
      row('gamma', { createdAt: daysAgo(29) }),
      // Outside the 30 days: a month ago, and a report dated tomorrow.
      row('delta', { createdAt: daysAgo(30) }),
      row('epsilon', { createdAt: daysAgo(-1) }),
    ];
    const ids = await http.importRows(p, rows);
    await http.settle(p);
    clusters = {
      alpha: (await http.clusterIdOf(p, ids[0] as string)) as string,
      beta: (await http.clusterIdOf(p, ids[3] as string)) as string,
      gamma: (await http.clusterIdOf(p, ids[5] as string)) as string,
    };
    overview = await ok<Overview>(http.call(p, 'GET', '/overview'));
  });

  it('counts reports per source and in all, and what waits for clustering', () => {
    expect(overview.countsBySource).toEqual({ manual: 6, reddit: 1, github: 2 });
    expect(overview.total).toBe(9);
    expect(overview.unclustered).toBe(0);
    expect(overview.clustering).toMatchObject({
      pendingCount: 0,
      isClustering: false,
      lastJob: { status: 'succeeded', projectId: p.id },
    });
  });

  it('charts 30 UTC days, oldest first, per source, by the reports own createdAt', () => {
    const { days, bySource } = overview.daily;
    expect(days).toHaveLength(30);
    expect(days[0]).toBe(dayName(29));
    expect(days[29]).toBe(dayName(0));
    expect(days.every((d, i) => i === 0 || Date.parse(d) - Date.parse(days[i - 1] as string) === DAY)).toBe(
      true,
    );
    const expected = (at: Record<number, number>) => Array.from({ length: 30 }, (_, i) => at[29 - i] ?? 0);
    expect(bySource).toEqual({
      manual: expected({ 0: 2, 3: 1, 29: 1 }),
      reddit: expected({ 0: 1 }),
      github: expected({ 5: 2 }),
    });
  });

  it('lists the top clusters by reports of the last 7 days, in the Cluster shape', () => {
    const top = overview.topClusters;
    expect(top.map((c: Cluster) => c.id)).toEqual([clusters.alpha, clusters.beta, clusters.gamma]);
    expect(top[0]).toMatchObject({
      projectId: p.id,
      size: 3,
      status: 'new',
      countsBySource: { manual: 2, reddit: 1 },
    });
    expect(top[0]?.trend).toHaveLength(30);
    expect(top[0]?.trend.at(-1)).toBe(3);
  });

  it('lists the recent clustering jobs, newest first', () => {
    const jobs = overview.recentJobs;
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.length).toBeLessThanOrEqual(10);
    expect(jobs.every((j: ClusterJob) => j.projectId === p.id && j.status === 'succeeded')).toBe(true);
    expect(jobs.reduce((n, j) => n + j.stats.clustered, 0)).toBe(9);
    const created = jobs.map((j) => j.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('answers the same under /projects/{pid}/overview, and nothing of another project', async () => {
    const scoped = await ok<Overview>(ctx.request({ method: 'GET', url: `/projects/${p.id}/overview` }));
    expect({ ...scoped, clustering: undefined }).toEqual({ ...overview, clustering: undefined });
    const other = await ctx.createProject();
    const denied = await ctx.request({
      method: 'GET',
      url: `/projects/${p.id}/overview`,
      token: other.apiKey,
    });
    expect(denied.statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/overview', token: null })).statusCode).toBe(401);
  });

  it('answers zeros for a new project', async () => {
    const fresh = await ctx.createProject();
    const empty = await ok<Overview>(http.call(fresh, 'GET', '/overview'));
    expect(empty).toEqual({
      countsBySource: {},
      total: 0,
      unclustered: 0,
      clustering: { pendingCount: 0, isClustering: false },
      topClusters: [],
      recentJobs: [],
      daily: { days: expect.any(Array), bySource: {} },
    });
    expect(empty.daily.days).toHaveLength(30);
  });
});
