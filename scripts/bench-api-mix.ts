/**
 * The request mixes of `bench:api`: what the dashboard and integrations send a busy project
 * (70 % ingest, 25 % reads, 5 % triage), and ingestion alone.
 */
import { seededRandom } from '../packages/clustering/src/test-support/random-vectors.js';
import type { Op } from './bench-api-load.js';
import type { Pools } from './bench-api-seed.js';

/** One ingest request in this many is a bulk import of `BULK_ROWS` reports. */
const BULK_EVERY = 40;
const BULK_ROWS = 20;
const STATUSES = ['triaged', 'planned', 'ignored', 'new'] as const;
const SORTS = ['size', 'recent', 'trend'] as const;

type Make = (n: number, tag: string) => Record<string, string>;

/** Single-item POST /feedback, one new report each time. */
export function ingestOp(make: Make, tag: string): (i: number) => Op {
  return (i) => ({
    route: 'POST /feedback',
    method: 'POST',
    path: '/feedback',
    body: JSON.stringify(make(i, tag)),
  });
}

/** The mixed workload over a seeded project's pools; merges use up the outlier pool two by two. */
export function mixedOps(pools: Pools, make: Make, tag: string, seed: number): (i: number) => Op {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const single = ingestOp(make, tag);
  const outliers = [...pools.outliers];
  // Clustered reports: a report not embedded yet cannot be moved (409).
  const movable = [...pools.reports];
  return (i) => {
    const r = random();
    if (r < 0.7) {
      if (i % BULK_EVERY !== 0) return single(i);
      const rows = Array.from({ length: BULK_ROWS }, (_, k) => make(i * BULK_ROWS + k, `${tag}-bulk`));
      return {
        route: 'POST /feedback/import',
        method: 'POST',
        path: '/feedback/import',
        body: JSON.stringify(rows),
      };
    }
    if (r < 0.95) {
      const read = Math.floor(random() * 4);
      if (read === 0) return { route: 'GET /feedback', method: 'GET', path: '/feedback?limit=25' };
      if (read === 1)
        return { route: 'GET /clusters', method: 'GET', path: `/clusters?sort=${pick(SORTS)}&limit=25` };
      if (read === 2)
        return { route: 'GET /clusters/:id', method: 'GET', path: `/clusters/${pick(pools.clusters)}` };
      return { route: 'GET /overview', method: 'GET', path: '/overview' };
    }
    const t = random();
    if (t < 0.15 && outliers.length >= 2) {
      const into = outliers.pop() as string;
      const from = outliers.pop() as string;
      return {
        route: 'POST /clusters/:id/merge',
        method: 'POST',
        path: `/clusters/${into}/merge`,
        body: JSON.stringify({ clusterIds: [from] }),
      };
    }
    if (t < 0.3 && movable.length > 0) {
      return {
        route: 'POST /clusters/:id/move',
        method: 'POST',
        path: `/clusters/${pick(pools.clusters)}/move`,
        body: JSON.stringify({ feedbackIds: [movable.pop() as string] }),
      };
    }
    const patch = random() < 0.7 ? { status: pick(STATUSES) } : { title: `Triaged problem ${i}` };
    return {
      route: 'PATCH /clusters/:id',
      method: 'PATCH',
      path: `/clusters/${pick(pools.clusters)}`,
      body: JSON.stringify(patch),
    };
  };
}
