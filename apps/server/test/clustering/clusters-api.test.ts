import { randomUUID } from 'node:crypto';
import type { Cluster, ClusterDetail, ClusteringStatus, ClusterJob, HistoryEntry } from '@fixloop/contracts';
import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterApi,
  clusterApi,
  expectError,
  ids,
  ok,
  type Page,
  type Project,
  type Row,
  row,
  type Seeded,
  sleep,
} from '../support/cluster-api.js';
import { createTestContext, type TestContext } from '../support/context.js';
import { type OpenAiApiControl, openAiApi, openAiControl } from '../support/openai-api.js';
import { type StandIn, startStandIn } from '../support/stand-ins.js';

const control: OpenAiApiControl = openAiControl();
let api: StandIn;
let ctx: TestContext;
let http: ClusterApi;

/** Clustering on topic vectors from a local OpenAI stand-in, run by the real BullMQ worker. */
const ENV = {
  EMBEDDINGS_PROVIDER: 'openai',
  EMBEDDINGS_MODEL: 'test-embed',
  CLUSTERING_SIM_THRESHOLD: '0.8',
  CLUSTERING_DEBOUNCE_MS: '0',
};

beforeAll(async () => {
  api = await startStandIn(openAiApi(control));
  ctx = await createTestContext({ ...ENV, OPENAI_BASE_URL: `${api.url}/v1`, ROLE: 'all' });
  http = clusterApi(ctx);
});
afterAll(async () => {
  await ctx?.close();
  await api?.close();
});

describe('clustering on ingest', () => {
  it('clusters reports from POST /feedback and /feedback/import without being asked', async () => {
    const p = await ctx.createProject();
    for (const author of ['ann', 'bob']) {
      await ok(http.call(p, 'POST', '/feedback', row('alpha', { author })), 201);
    }
    await http.importRows(p, [
      row('alpha', { source: 'github', author: 'ann' }),
      row('beta', { source: 'reddit', author: 'cid' }),
      row('beta', { source: 'reddit', author: 'dee' }),
      row('beta', { source: 'sentry' }),
      row('gamma'),
    ]);
    const status = await http.settle(p);
    expect(status.pendingCount).toBe(0);

    const page = await http.list(p);
    expect(page.nextCursor).toBeUndefined();
    expect(page.items).toHaveLength(2);
    const byTopic = (t: string) => page.items.find((c) => c.title.includes(t)) as Cluster;
    expect(byTopic('alpha')).toMatchObject({
      projectId: p.id,
      size: 3,
      status: 'new',
      countsBySource: { manual: 2, github: 1 },
      reporters: 2,
      titleSource: 'auto',
      summarySource: 'offline',
    });
    expect(byTopic('beta')).toMatchObject({
      size: 3,
      countsBySource: { reddit: 2, sentry: 1 },
      reporters: 2,
    });
    for (const c of page.items) {
      expect(c.summary).toMatch(/^3 reports/);
      expect(c.trend).toHaveLength(30);
      // Every report was created today: the last day holds them all.
      expect(c.trend.at(-1)).toBe(3);
      expect(c.trend.reduce((a, b) => a + b, 0)).toBe(3);
      expect(c.cohesion).toBeGreaterThan(0.9);
    }

    // Every report went through exactly one run; three clusters were made in all.
    const jobs = await ok<Page<ClusterJob>>(http.call(p, 'GET', '/cluster-jobs'));
    const done = jobs.items.filter((j) => j.status === 'succeeded');
    expect(done.length).toBeGreaterThan(0);
    expect(done.reduce((n, j) => n + j.stats.clustered, 0)).toBe(7);
    expect(done.reduce((n, j) => n + j.stats.newClusters, 0)).toBe(3);
    expect(jobs.items.every((j) => j.projectId === p.id && j.kind === 'incremental')).toBe(true);
  });
});

describe('GET /clusters', () => {
  let p: Project;
  let seeded: Seeded;
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  beforeAll(async () => {
    p = await ctx.createProject();
    seeded = await http.seed(p, { beta: 2, gamma: 3, delta: 1, epsilon: 1 });
    // Older reports, for the trend: four of them twenty days ago.
    const alpha = await http.importRows(
      p,
      Array.from({ length: 4 }, () => row('alpha', { createdAt: daysAgo(20) })),
    );
    await http.settle(p);
    seeded.alpha = { cluster: (await http.clusterIdOf(p, alpha[0] as string)) as string, reports: alpha };
  });

  const idsIn = (page: Page<Cluster>) => ids(page.items);
  const of = (topic: string) => seeded[topic]?.cluster as string;

  it('hides singletons by default (minSize 2) and lists them as the outlier queue with minSize=1&maxSize=1', async () => {
    expect(idsIn(await http.list(p)).sort()).toEqual([of('alpha'), of('beta'), of('gamma')].sort());
    const outliers = await http.list(p, '?minSize=1&maxSize=1');
    expect(idsIn(outliers).sort()).toEqual([of('delta'), of('epsilon')].sort());
    expect(outliers.items.every((c) => c.size === 1)).toBe(true);
    expect(idsIn(await http.list(p, '?minSize=1'))).toHaveLength(5);
    expect(idsIn(await http.list(p, '?minSize=3'))).toEqual([of('alpha'), of('gamma')]);
  });

  it('sorts by size (default), by trend (reports of the last seven days) and by recent change', async () => {
    expect(idsIn(await http.list(p))).toEqual([of('alpha'), of('gamma'), of('beta')]);
    expect(idsIn(await http.list(p, '?sort=size'))).toEqual([of('alpha'), of('gamma'), of('beta')]);
    expect(idsIn(await http.list(p, '?sort=trend'))).toEqual([of('gamma'), of('beta'), of('alpha')]);
    const alpha = (await http.list(p, '?sort=trend')).items[2] as Cluster;
    expect(alpha.trend).toHaveLength(30);
    expect(alpha.trend[29 - 20]).toBe(4);
    expect(alpha.trend.reduce((a, b) => a + b, 0)).toBe(4);
    expect(alpha.firstSeenAt.slice(0, 10)).toBe(daysAgo(20).slice(0, 10));

    const recent = (await http.list(p, '?sort=recent')).items;
    const stamps = recent.map((c) => c.updatedAt);
    expect(stamps).toEqual([...stamps].sort().reverse());
    // A change moves a cluster to the top of `recent`.
    await ok(http.call(p, 'PATCH', `/clusters/${of('beta')}`, { summary: 'touched' }));
    expect(idsIn(await http.list(p, '?sort=recent'))[0]).toBe(of('beta'));
  });

  it('filters by status and searches titles, summaries and terms (q)', async () => {
    await ok(http.call(p, 'PATCH', `/clusters/${of('gamma')}`, { status: 'triaged' }));
    expect(idsIn(await http.list(p, '?status=triaged'))).toEqual([of('gamma')]);
    expect(idsIn(await http.list(p, '?status=new')).sort()).toEqual([of('alpha'), of('beta')].sort());
    expect(idsIn(await http.list(p, '?status=fixed'))).toEqual([]);
    expect(idsIn(await http.list(p, '?q=gamma'))).toEqual([of('gamma')]);
    expect(idsIn(await http.list(p, '?q=GAMMA&status=triaged'))).toEqual([of('gamma')]);
    expect(idsIn(await http.list(p, '?q=epsilon&minSize=1'))).toEqual([of('epsilon')]);
    expect(idsIn(await http.list(p, '?q=nothing-like-this'))).toEqual([]);
  });

  it('answers 422 for a bad limit, sort, status, size or cursor', async () => {
    for (const query of [
      '?limit=201',
      '?limit=0',
      '?sort=bogus',
      '?status=bogus',
      '?minSize=0',
      '?maxSize=x',
      '?cursor=not-a-cursor',
    ]) {
      await expectError(http.call(p, 'GET', `/clusters${query}`), 422, 'validation_failed');
    }
    expect((await http.list(p, '?limit=200')).items).toHaveLength(3);
  });
});

describe('cursor pagination', () => {
  it('walks many clusters page by page, every cluster exactly once, in every sort order', async () => {
    const p = await ctx.createProject();
    const rows: Row[] = [];
    for (let t = 0; t < 30; t++) {
      const n = t < 4 ? 3 : 2;
      for (let i = 0; i < n; i++) rows.push(row(`topic${t}`));
    }
    rows.push(row('omega'), row('omicron'));
    await http.importRows(p, rows);
    await http.settle(p);
    for (const sort of ['size', 'recent', 'trend']) {
      const seen: Cluster[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await http.list(
          p,
          `?sort=${sort}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
        expect(pages).toBeLessThan(20);
      } while (cursor !== undefined);
      expect(new Set(seen.map((c) => c.id)).size, sort).toBe(30);
      expect(seen).toHaveLength(30);
      expect(pages).toBeGreaterThanOrEqual(5);
      if (sort === 'size') expect(seen.slice(0, 4).every((c) => c.size === 3)).toBe(true);
    }
    // The outlier queue pages the same way.
    const first = await http.list(p, '?minSize=1&maxSize=1&limit=1');
    expect(first.items).toHaveLength(1);
    const second = await http.list(
      p,
      `?minSize=1&maxSize=1&limit=1&cursor=${encodeURIComponent(first.nextCursor as string)}`,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
  });
});

describe('GET /clusters/{id}', () => {
  it('embeds the reports, each with its similarity to the rest and the terms it shares', async () => {
    const p = await ctx.createProject();
    const seeded = await http.seed(p, { alpha: 4, beta: 2 });
    const alpha = seeded.alpha as { cluster: string; reports: string[] };
    const d = await http.detail(p, alpha.cluster);
    expect(d).toMatchObject({ id: alpha.cluster, projectId: p.id, size: 4, status: 'new' });
    expect(d.items.map((i) => i.id).sort()).toEqual([...alpha.reports].sort());
    expect(d.terms.length).toBeGreaterThan(0);
    for (const item of d.items) {
      expect(item.clusterId).toBe(alpha.cluster);
      expect(typeof item.similarity).toBe('number');
      expect(item.similarity).toBeLessThanOrEqual(1);
      expect(item.similarity).toBeGreaterThan(0.9);
      expect(item.pinned).toBe(false);
      expect(Array.isArray(item.sharedTerms)).toBe(true);
      for (const t of item.sharedTerms) expect(d.terms).toContain(t);
    }
    expect(d.items.some((i) => i.sharedTerms.includes('alpha'))).toBe(true);
    expect(d.trend).toHaveLength(30);
  });

  it('answers 404 for an unknown id and for another project’s cluster', async () => {
    const a = await ctx.createProject();
    const b = await ctx.createProject();
    const seeded = await http.seed(a, { alpha: 2 });
    await expectError(http.call(a, 'GET', `/clusters/${randomUUID()}`), 404, 'not_found');
    await expectError(http.call(b, 'GET', `/clusters/${seeded.alpha?.cluster}`), 404, 'not_found');
  });
});

describe('human triage', () => {
  it('PATCH renames, re-summarizes and sets the status, in the history; the engine keeps the human text', async () => {
    const p = await ctx.createProject();
    const seeded = await http.seed(p, { alpha: 2, beta: 2 });
    const alpha = seeded.alpha?.cluster as string;
    const beta = seeded.beta?.cluster as string;
    const before = await http.detail(p, alpha);

    const renamed = await ok<ClusterDetail>(
      http.call(p, 'PATCH', `/clusters/${alpha}`, { title: ' Alpha crashes ' }),
    );
    expect(renamed).toMatchObject({ title: 'Alpha crashes', titleSource: 'human', size: 2 });
    expect(renamed.items).toHaveLength(2);
    await ok(http.call(p, 'PATCH', `/clusters/${alpha}`, { status: 'triaged' }));
    const summarized = await ok<ClusterDetail>(
      http.call(p, 'PATCH', `/clusters/${beta}`, { summary: 'Written by a human.' }),
    );
    expect(summarized).toMatchObject({ summary: 'Written by a human.', summarySource: 'human' });

    const history = await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${alpha}/history`));
    expect(history.items.map((h) => h.action)).toEqual(['status', 'rename']);
    expect(history.items[0]?.details).toEqual({ from: 'new', to: 'triaged' });
    expect(history.items[1]?.details).toEqual({ from: before.title, to: 'Alpha crashes' });
    expect(history.items.every((h) => h.actor.startsWith('key:'))).toBe(true);
    expect(
      (await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${beta}/history`))).items,
    ).toMatchObject([{ action: 'summary' }]);

    // Both clusters grow by half: the engine refreshes what it owns and keeps what a human wrote.
    await http.importRows(p, [row('alpha'), row('beta')]);
    await http.settle(p);
    const grownAlpha = await http.detail(p, alpha);
    expect(grownAlpha).toMatchObject({
      size: 3,
      title: 'Alpha crashes',
      titleSource: 'human',
      status: 'triaged',
    });
    expect(grownAlpha.summary).toMatch(/^3 reports/);
    const grownBeta = await http.detail(p, beta);
    expect(grownBeta).toMatchObject({ size: 3, summary: 'Written by a human.', summarySource: 'human' });
    expect(grownBeta.titleSource).toBe('auto');
  });

  it('PATCH answers 422 for an empty or invalid patch and 404 for an unknown cluster', async () => {
    const p = await ctx.createProject();
    const alpha = (await http.seed(p, { alpha: 2 })).alpha?.cluster as string;
    for (const body of [{}, { title: '   ' }, { status: 'bogus' }, { title: 'x'.repeat(501) }]) {
      await expectError(http.call(p, 'PATCH', `/clusters/${alpha}`, body), 422, 'validation_failed');
    }
    await expectError(http.call(p, 'PATCH', `/clusters/${randomUUID()}`, { title: 'x' }), 404, 'not_found');
    await expectError(http.call(p, 'GET', `/clusters/${randomUUID()}/history`), 404, 'not_found');
  });

  it('merges clusters: sizes add up, the others are gone, bad requests are refused', async () => {
    const p = await ctx.createProject();
    const s = await http.seed(p, { alpha: 3, beta: 2, gamma: 2 });
    const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map((t) => s[t]?.cluster as string) as [
      string,
      string,
      string,
    ];
    await expectError(
      http.call(p, 'POST', `/clusters/${alpha}/merge`, { clusterIds: [] }),
      422,
      'validation_failed',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${alpha}/merge`, { clusterIds: [alpha] }),
      422,
      'validation_failed',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${alpha}/merge`, { clusterIds: [beta, randomUUID()] }),
      404,
      'not_found',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${randomUUID()}/merge`, { clusterIds: [beta] }),
      404,
      'not_found',
    );
    expect((await http.detail(p, beta)).size).toBe(2);

    const merged = await ok<ClusterDetail>(
      http.call(p, 'POST', `/clusters/${alpha}/merge`, { clusterIds: [beta, gamma, beta] }),
    );
    expect(merged).toMatchObject({ id: alpha, size: 7, countsBySource: { manual: 7 } });
    expect(merged.items).toHaveLength(7);
    const moved = merged.items.filter((i) => !s.alpha?.reports.includes(i.id));
    expect(moved).toHaveLength(4);
    expect(moved.every((i) => i.pinned && i.clusterId === alpha)).toBe(true);
    await expectError(http.call(p, 'GET', `/clusters/${beta}`), 404, 'not_found');
    await expectError(http.call(p, 'GET', `/clusters/${gamma}`), 404, 'not_found');
    expect(await http.clusterIdOf(p, s.beta?.reports[0] as string)).toBe(alpha);
    const history = await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${alpha}/history`));
    expect(history.items[0]).toMatchObject({ action: 'merge' });
    expect(ids((await http.list(p)).items)).toEqual([alpha]);
  });

  it('splits reports off into a new cluster (201) and refuses strangers or an empty rest (422)', async () => {
    const p = await ctx.createProject();
    const s = await http.seed(p, { gamma: 4, beta: 2 });
    const gamma = s.gamma as { cluster: string; reports: string[] };
    const [a, b, c, d] = gamma.reports as [string, string, string, string];
    await expectError(
      http.call(p, 'POST', `/clusters/${gamma.cluster}/split`, { feedbackIds: [a, s.beta?.reports[0]] }),
      422,
      'validation_failed',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${gamma.cluster}/split`, { feedbackIds: [a, b, c, d] }),
      422,
      'validation_failed',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${gamma.cluster}/split`, { feedbackIds: [] }),
      422,
      'validation_failed',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${randomUUID()}/split`, { feedbackIds: [a] }),
      404,
      'not_found',
    );

    const split = await ok<ClusterDetail>(
      http.call(p, 'POST', `/clusters/${gamma.cluster}/split`, { feedbackIds: [c, d] }),
      201,
    );
    expect(split.id).not.toBe(gamma.cluster);
    expect(split).toMatchObject({ size: 2, status: 'new' });
    expect(split.items.map((i) => i.id).sort()).toEqual([c, d].sort());
    expect(split.items.every((i) => i.pinned)).toBe(true);
    const rest = await http.detail(p, gamma.cluster);
    expect(rest.items.map((i) => i.id).sort()).toEqual([a, b].sort());
    expect(rest.items.every((i) => i.pinned)).toBe(true);
    expect(
      (await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${split.id}/history`))).items[0],
    ).toMatchObject({ action: 'split', details: { from: gamma.cluster } });
    expect(
      (await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${gamma.cluster}/history`))).items[0],
    ).toMatchObject({ action: 'split', details: { into: split.id } });

    // New reports of the topic join one side; neither a run nor a recluster puts the halves together.
    const later = await http.importRows(p, [row('gamma'), row('gamma')]);
    await http.settle(p);
    const sides = new Set([gamma.cluster, split.id]);
    for (const id of later) expect(sides).toContain(await http.clusterIdOf(p, id));
    const job = await ok<ClusterJob>(http.call(p, 'POST', '/clusters/recluster'), 202);
    expect(job.kind).toBe('recluster');
    expect(await http.waitForJob(p, job.id)).toMatchObject({ status: 'succeeded', kind: 'recluster' });
    await http.settle(p);
    expect((await http.detail(p, gamma.cluster)).items.map((i) => i.id)).toEqual(
      expect.arrayContaining([a, b]),
    );
    expect((await http.detail(p, split.id)).items.map((i) => i.id)).toEqual(expect.arrayContaining([c, d]));
    for (const id of later) expect(sides).toContain(await http.clusterIdOf(p, id));
    expect((await http.detail(p, gamma.cluster)).size + (await http.detail(p, split.id)).size).toBe(6);
    // The cluster nobody touched keeps its id through the recluster.
    expect(await http.clusterIdOf(p, s.beta?.reports[0] as string)).toBe(s.beta?.cluster);
    expect(ids((await http.list(p)).items).sort()).toEqual([gamma.cluster, split.id, s.beta?.cluster].sort());
  });

  it('keeps a split through a recluster in a freshly started process, where every embedding comes from the cache', async () => {
    const p = await ctx.createProject();
    const s = await http.seed(p, { gamma: 4, beta: 2 });
    const gamma = s.gamma as { cluster: string; reports: string[] };
    const [a, b, c, d] = gamma.reports as [string, string, string, string];
    const split = await ok<ClusterDetail>(
      http.call(p, 'POST', `/clusters/${gamma.cluster}/split`, { feedbackIds: [c, d] }),
      201,
    );
    const later = await http.importRows(p, [row('gamma')]);
    await http.settle(p);
    const embedded = control.embedded.length;
    const restarted = await createTestContext({ ...ENV, OPENAI_BASE_URL: `${api.url}/v1`, ROLE: 'all' });
    const restartedApi = clusterApi(restarted);
    try {
      const job = await ok<ClusterJob>(restartedApi.call(p, 'POST', '/clusters/recluster'), 202);
      const done = await restartedApi.waitForJob(p, job.id);
      expect(done.error).toBeUndefined();
      expect(done.status).toBe('succeeded');
      await restartedApi.settle(p);
    } finally {
      await restarted.close();
    }
    expect(control.embedded.length).toBe(embedded);
    expect((await http.detail(p, gamma.cluster)).items.map((i) => i.id)).toEqual(
      expect.arrayContaining([a, b]),
    );
    expect((await http.detail(p, split.id)).items.map((i) => i.id)).toEqual(expect.arrayContaining([c, d]));
    expect([gamma.cluster, split.id]).toContain(await http.clusterIdOf(p, later[0] as string));
    expect(await http.clusterIdOf(p, s.beta?.reports[0] as string)).toBe(s.beta?.cluster);
    expect(ids((await http.list(p)).items).sort()).toEqual([gamma.cluster, split.id, s.beta?.cluster].sort());
  });

  it('regenerates a digest on POST /clusters/{id}/summarize, keeping human text unless it is handed back', async () => {
    const p = await ctx.createProject();
    const alpha = (await http.seed(p, { alpha: 3 })).alpha?.cluster as string;
    const auto = await http.detail(p, alpha);
    await ok(http.call(p, 'PATCH', `/clusters/${alpha}`, { title: 'Named by a human' }));
    const kept = await ok<ClusterDetail>(http.call(p, 'POST', `/clusters/${alpha}/summarize`));
    expect(kept).toMatchObject({ title: 'Named by a human', titleSource: 'human', summary: auto.summary });
    const handedBack = await ok<ClusterDetail>(
      http.call(p, 'POST', `/clusters/${alpha}/summarize`, { replaceHumanEdits: true }),
    );
    expect(handedBack).toMatchObject({ title: auto.title, titleSource: 'auto', summarySource: 'offline' });
    await expectError(http.call(p, 'POST', `/clusters/${randomUUID()}/summarize`), 404, 'not_found');
    await expectError(
      http.call(p, 'POST', `/clusters/${alpha}/summarize`, { replaceHumanEdits: 'yes' }),
      422,
      'validation_failed',
    );
  });

  it('moves reports into a cluster (200); the emptied cluster goes; unknown reports are 404', async () => {
    const p = await ctx.createProject();
    const s = await http.seed(p, { alpha: 2, beta: 2, delta: 1 });
    const alpha = s.alpha as { cluster: string; reports: string[] };
    const beta = s.beta as { cluster: string; reports: string[] };
    const delta = s.delta as { cluster: string; reports: string[] };
    const moved = await ok<ClusterDetail>(
      http.call(p, 'POST', `/clusters/${alpha.cluster}/move`, {
        feedbackIds: [beta.reports[0], delta.reports[0]],
      }),
    );
    expect(moved).toMatchObject({ id: alpha.cluster, size: 4 });
    expect(
      moved.items
        .filter((i) => i.pinned)
        .map((i) => i.id)
        .sort(),
    ).toEqual([beta.reports[0], delta.reports[0]].sort());
    expect((await http.detail(p, beta.cluster)).size).toBe(1);
    await expectError(http.call(p, 'GET', `/clusters/${delta.cluster}`), 404, 'not_found');
    expect(
      (await ok<Page<HistoryEntry>>(http.call(p, 'GET', `/clusters/${beta.cluster}/history`))).items[0],
    ).toMatchObject({ action: 'move', details: { to: alpha.cluster } });
    await expectError(
      http.call(p, 'POST', `/clusters/${alpha.cluster}/move`, { feedbackIds: [randomUUID()] }),
      404,
      'not_found',
    );
    await expectError(
      http.call(p, 'POST', `/clusters/${randomUUID()}/move`, { feedbackIds: [beta.reports[1]] }),
      404,
      'not_found',
    );
    // A run leaves the reports a human moved where they are.
    const job = await ok<ClusterJob>(http.call(p, 'POST', '/clusters/recluster'), 202);
    await http.waitForJob(p, job.id);
    expect(await http.clusterIdOf(p, beta.reports[0] as string)).toBe(alpha.cluster);
    expect(await http.clusterIdOf(p, beta.reports[1] as string)).toBe(beta.cluster);
  });
});

describe('clustering jobs', () => {
  it('POST /cluster-jobs answers the running job instead of starting a second one; jobs are listed with stats', async () => {
    const p = await ctx.createProject();
    await http.seed(p, { alpha: 2 });
    let release = () => {};
    control.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const [waiting] = await http.importRows(p, [row('alpha')]);
      let status: ClusteringStatus;
      const deadline = Date.now() + 10_000;
      do {
        status = await ok<ClusteringStatus>(http.call(p, 'GET', '/clustering/status'));
        if (Date.now() > deadline) throw new Error('no run started');
      } while (!status.isClustering);
      expect(status).toMatchObject({ pendingCount: 1, isClustering: true, lastJob: { status: 'running' } });
      const running = status.lastJob as ClusterJob;
      const first = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
      const second = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
      expect(first.id).toBe(running.id);
      expect(second.id).toBe(running.id);
      // A report the running job has not embedded yet cannot be moved by hand.
      const alpha = (await http.list(p)).items[0]?.id as string;
      await expectError(
        http.call(p, 'POST', `/clusters/${alpha}/move`, { feedbackIds: [waiting] }),
        409,
        'conflict',
      );
    } finally {
      control.hold = undefined;
      release();
    }
    const status = await http.settle(p);
    expect(Object.keys(status).sort()).toEqual(['isClustering', 'lastJob', 'pendingCount']);

    const jobs = await ok<Page<ClusterJob>>(http.call(p, 'GET', '/cluster-jobs'));
    expect(jobs.items.length).toBeGreaterThanOrEqual(2);
    const stamps = jobs.items.map((j) => j.createdAt);
    expect(stamps).toEqual([...stamps].sort().reverse());
    const paged = await ok<Page<ClusterJob>>(http.call(p, 'GET', '/cluster-jobs?limit=1'));
    expect(paged.items).toHaveLength(1);
    const next = await ok<Page<ClusterJob>>(
      http.call(p, 'GET', `/cluster-jobs?limit=1&cursor=${encodeURIComponent(paged.nextCursor as string)}`),
    );
    expect(next.items[0]?.id).toBe(jobs.items[1]?.id);

    const one = await ok<ClusterJob>(http.call(p, 'GET', `/cluster-jobs/${jobs.items.at(-1)?.id}`));
    expect(one).toMatchObject({ projectId: p.id, status: 'succeeded', kind: 'incremental' });
    expect(Object.keys(one.stats).sort()).toEqual(
      ['clustered', 'embeddingFailures', 'newClusters', 'seconds', 'singletons', 'updatedClusters'].sort(),
    );
    expect(one.stats).toMatchObject({ clustered: 2, newClusters: 1, embeddingFailures: 0 });
    expect(one.stats.seconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(one.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(one.startedAt as string));
    await expectError(http.call(p, 'GET', `/cluster-jobs/${randomUUID()}`), 404, 'not_found');
    await expectError(http.call(p, 'GET', '/cluster-jobs?limit=201'), 422, 'validation_failed');
  });

  it('answers the pending job to a second POST /cluster-jobs while another worker holds the lock, and starts it once free', async () => {
    const p = await ctx.createProject();
    const fresh = await ok<ClusteringStatus>(http.call(p, 'GET', '/clustering/status'));
    expect(fresh).toEqual({ pendingCount: 0, isClustering: false });
    // Another worker's lock: the run is refused and retried by the queue, so the job stays pending.
    const lock = keys.clusteringLock(p.id);
    await ctx.runtime.container.redis.set(lock, 'another-worker', 'PX', 60_000);
    try {
      const first = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
      expect(first).toMatchObject({ projectId: p.id, status: 'pending', kind: 'incremental' });
      expect(first.stats).toEqual({
        clustered: 0,
        newClusters: 0,
        updatedClusters: 0,
        singletons: 0,
        embeddingFailures: 0,
        seconds: 0,
      });
      await sleep(100);
      const second = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
      expect(second).toMatchObject({ id: first.id, status: 'pending' });
      // A recluster asked for meanwhile turns the pending run into one.
      const recluster = await ok<ClusterJob>(http.call(p, 'POST', '/clusters/recluster'), 202);
      expect(recluster).toMatchObject({ id: first.id, kind: 'recluster' });
      const status = await ok<ClusteringStatus>(http.call(p, 'GET', '/clustering/status'));
      expect(status).toMatchObject({
        pendingCount: 0,
        isClustering: false,
        lastJob: { id: first.id, status: 'pending', kind: 'recluster' },
      });
    } finally {
      await ctx.runtime.container.redis.del(lock);
    }
    // The queue's retry is backing off; asking again starts it now.
    const again = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
    const done = await http.waitForJob(p, again.id);
    expect(done).toMatchObject({ status: 'succeeded', kind: 'recluster' });
  });

  it('records embedding failures, keeps the reports waiting, and clusters them on POST /cluster-jobs once the provider is back', async () => {
    const p = await ctx.createProject();
    control.failEmbeddings = true;
    let failedRun: ClusterJob | undefined;
    try {
      await http.importRows(p, [row('alpha'), row('alpha'), row('alpha')]);
      const deadline = Date.now() + 15_000;
      while (!failedRun) {
        const jobs = await ok<Page<ClusterJob>>(http.call(p, 'GET', '/cluster-jobs'));
        failedRun = jobs.items.find((j) => j.status === 'succeeded' && j.stats.embeddingFailures > 0);
        if (Date.now() > deadline) throw new Error(`no run recorded the failure: ${JSON.stringify(jobs)}`);
        await sleep(20);
      }
    } finally {
      control.failEmbeddings = false;
    }
    expect(failedRun.stats).toMatchObject({ embeddingFailures: 3, clustered: 0, newClusters: 0 });
    const waiting = await ok<ClusteringStatus>(http.call(p, 'GET', '/clustering/status'));
    expect(waiting.pendingCount).toBe(3);
    expect((await http.list(p, '?minSize=1')).items).toEqual([]);

    const job = await ok<ClusterJob>(http.call(p, 'POST', '/cluster-jobs'), 202);
    expect(await http.waitForJob(p, job.id)).toMatchObject({
      status: 'succeeded',
      stats: { clustered: 3, newClusters: 1, embeddingFailures: 0 },
    });
    expect((await http.settle(p)).pendingCount).toBe(0);
    expect((await http.list(p)).items.map((c) => c.size)).toEqual([3]);
  });
});

describe('projects and tenants', () => {
  it('serves every cluster route under /projects/{pid}/… for the project’s key and the admin', async () => {
    const p = await ctx.createProject();
    const s = await http.seed(p, { alpha: 3, beta: 2 });
    const alpha = s.alpha?.cluster as string;
    const beta = s.beta?.cluster as string;
    const base = `/projects/${p.id}`;
    const admin: Project = { id: p.id, apiKey: ctx.adminToken };
    expect(ids((await ok<Page<Cluster>>(http.call(admin, 'GET', `${base}/clusters`))).items)).toEqual([
      alpha,
      beta,
    ]);
    expect((await ok<ClusterDetail>(http.call(p, 'GET', `${base}/clusters/${alpha}`))).size).toBe(3);
    expect(
      (
        await ok<ClusterDetail>(
          http.call(admin, 'PATCH', `${base}/clusters/${alpha}`, { title: 'Scoped rename' }),
        )
      ).title,
    ).toBe('Scoped rename');
    const history = await ok<Page<HistoryEntry>>(
      http.call(admin, 'GET', `${base}/clusters/${alpha}/history`),
    );
    expect(history.items[0]).toMatchObject({ action: 'rename', actor: 'admin' });
    const split = await ok<ClusterDetail>(
      http.call(p, 'POST', `${base}/clusters/${alpha}/split`, { feedbackIds: [s.alpha?.reports[0]] }),
      201,
    );
    await ok(http.call(p, 'POST', `${base}/clusters/${beta}/move`, { feedbackIds: [s.alpha?.reports[1]] }));
    await ok(http.call(p, 'POST', `${base}/clusters/${beta}/merge`, { clusterIds: [split.id] }));
    expect((await http.detail(p, beta)).size).toBe(4);
    const job = await ok<ClusterJob>(http.call(p, 'POST', `${base}/cluster-jobs`), 202);
    expect(job.projectId).toBe(p.id);
    await http.waitForJob(p, job.id);
    expect((await ok<ClusterJob>(http.call(p, 'GET', `${base}/cluster-jobs/${job.id}`))).status).toBe(
      'succeeded',
    );
    expect((await ok<Page<ClusterJob>>(http.call(p, 'GET', `${base}/cluster-jobs`))).items[0]?.id).toBe(
      job.id,
    );
    const recluster = await ok<ClusterJob>(http.call(p, 'POST', `${base}/clusters/recluster`), 202);
    await http.waitForJob(p, recluster.id);
    const status = await ok<ClusteringStatus>(http.call(admin, 'GET', `${base}/clustering/status`));
    expect(status).toMatchObject({ pendingCount: 0, isClustering: false, lastJob: { id: recluster.id } });
    await expectError(http.call(p, 'GET', `${base}/clusters?sort=bogus`), 422, 'validation_failed');
  });

  it('keeps projects apart: another key gets 404 for a cluster id and 403 under the other /projects/{pid}', async () => {
    const a = await ctx.createProject();
    const b = await ctx.createProject();
    const sa = await http.seed(a, { alpha: 2, beta: 2 });
    const sb = await http.seed(b, { alpha: 2 });
    const alpha = sa.alpha?.cluster as string;
    const job = (await ok<Page<ClusterJob>>(http.call(a, 'GET', '/cluster-jobs'))).items[0] as ClusterJob;
    for (const [method, url, payload] of [
      ['GET', `/clusters/${alpha}`, undefined],
      ['GET', `/clusters/${alpha}/history`, undefined],
      ['PATCH', `/clusters/${alpha}`, { title: 'stolen' }],
      ['POST', `/clusters/${alpha}/merge`, { clusterIds: [sb.alpha?.cluster] }],
      ['POST', `/clusters/${alpha}/split`, { feedbackIds: [sa.alpha?.reports[0]] }],
      ['POST', `/clusters/${alpha}/move`, { feedbackIds: [sb.alpha?.reports[0]] }],
      ['POST', `/clusters/${sb.alpha?.cluster}/merge`, { clusterIds: [alpha] }],
      ['POST', `/clusters/${sb.alpha?.cluster}/move`, { feedbackIds: [sa.beta?.reports[0]] }],
      ['GET', `/cluster-jobs/${job.id}`, undefined],
    ] as const) {
      await expectError(http.call(b, method, url, payload), 404, 'not_found');
    }
    expect(ids((await http.list(b)).items)).toEqual([sb.alpha?.cluster]);
    for (const url of ['clusters', `clusters/${alpha}`, 'cluster-jobs', 'clustering/status']) {
      await expectError(http.call(b, 'GET', `/projects/${a.id}/${url}`), 403, 'forbidden');
    }
    await expectError(http.call(b, 'POST', `/projects/${a.id}/cluster-jobs`), 403, 'forbidden');
    await expectError(http.call(b, 'POST', `/projects/${a.id}/clusters/recluster`), 403, 'forbidden');
    // A's clusters are untouched.
    expect(await http.detail(a, alpha)).toMatchObject({ size: 2, titleSource: 'auto' });
    expect((await http.detail(a, sa.beta?.cluster as string)).size).toBe(2);
  });
});
