import { projectCentroids } from '@fixloop/clustering';
import type { ClusterMap } from '@fixloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterApi,
  clusterApi,
  expectError,
  ok,
  type Project,
  type Seeded,
} from './support/cluster-api.js';
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

type Point = ClusterMap['points'][number];
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('GET /clusters/map', () => {
  let p: Project;
  let seeded: Seeded;
  let map: ClusterMap;

  beforeAll(async () => {
    p = await ctx.createProject();
    // Each topic embeds near its own unit axis: three clusters whose centroids are orthogonal, and a singleton.
    seeded = await http.seed(p, { alpha: 5, beta: 3, gamma: 2, delta: 1 });
    map = await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map'));
  });
  const of = (topic: string) => seeded[topic]?.cluster as string;

  it('answers a point per cluster of at least CLUSTERING_MIN_CLUSTER_SIZE, largest first, scaled into [-1, 1]', () => {
    expect(map.points.map((pt) => pt.id)).toEqual([of('alpha'), of('beta'), of('gamma')]);
    expect(map.points.map((pt) => pt.size)).toEqual([5, 3, 2]);
    for (const pt of map.points) {
      expect(pt).toEqual({
        id: expect.any(String),
        title: expect.stringMatching(/alpha|beta|gamma/),
        size: expect.any(Number),
        status: 'new',
        x: expect.any(Number),
        y: expect.any(Number),
      });
      expect(Math.abs(pt.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(pt.y)).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...map.points.flatMap((pt) => [Math.abs(pt.x), Math.abs(pt.y)]))).toBe(1);
  });

  it('keeps the geometry: three orthogonal centroids land on an equilateral triangle around the origin', () => {
    const [a, b, c] = map.points as [Point, Point, Point];
    const sides = [dist(a, b), dist(b, c), dist(c, a)];
    for (const s of sides) expect(s / (sides[0] as number)).toBeCloseTo(1, 1);
    expect((a.x + b.x + c.x) / 3).toBeCloseTo(0, 2);
    expect((a.y + b.y + c.y) / 3).toBeCloseTo(0, 2);
  });

  it('is the projection of the stored member-sum vectors, and deterministic', async () => {
    const rows = await ctx.runtime.container.clusters.largestWithSums(p.id, 2, 2_000);
    const { x, y } = projectCentroids(rows.map((r) => r.sum));
    expect(map.points.map((pt) => [pt.x, pt.y])).toEqual(
      rows.map((_, i) => [expect.closeTo(x[i] as number, 4), expect.closeTo(y[i] as number, 4)]),
    );
    expect(await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map'))).toEqual(map);
  });

  it('takes minSize and limit, and shows triage status', async () => {
    const all = await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map?minSize=1'));
    expect(all.points.map((pt) => pt.id)).toEqual([of('alpha'), of('beta'), of('gamma'), of('delta')]);
    const two = await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map?limit=2'));
    expect(two.points.map((pt) => pt.id)).toEqual([of('alpha'), of('beta')]);
    const big = await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map?minSize=4'));
    expect(big.points).toEqual([expect.objectContaining({ id: of('alpha'), x: 0, y: 0 })]);

    await ok(http.call(p, 'PATCH', `/clusters/${of('beta')}`, { status: 'triaged' }));
    const after = await ok<ClusterMap>(http.call(p, 'GET', '/clusters/map'));
    expect(after.points.find((pt) => pt.id === of('beta'))?.status).toBe('triaged');
  });

  it('validates the query', async () => {
    await expectError(http.call(p, 'GET', '/clusters/map?limit=10001'), 422, 'validation_failed');
    await expectError(http.call(p, 'GET', '/clusters/map?limit=0'), 422, 'validation_failed');
    await expectError(http.call(p, 'GET', '/clusters/map?minSize=zero'), 422, 'validation_failed');
    await ok(http.call(p, 'GET', '/clusters/map?limit=10000'));
  });

  it('exists under /projects/{pid}, keeps projects apart, and answers no points for a project without clusters', async () => {
    const scoped = await ok<ClusterMap>(
      ctx.request({ method: 'GET', url: `/projects/${p.id}/clusters/map` }),
    );
    expect(scoped.points.map((pt) => pt.id)).toEqual(map.points.map((pt) => pt.id));
    const other = await ctx.createProject();
    const denied = await ctx.request({
      method: 'GET',
      url: `/projects/${p.id}/clusters/map`,
      token: other.apiKey,
    });
    expect(denied.statusCode).toBe(403);
    expect(await ok<ClusterMap>(http.call(other, 'GET', '/clusters/map'))).toEqual({ points: [] });
  });
});
