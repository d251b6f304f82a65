import { randomUUID } from 'node:crypto';
import type { Cluster, ClusterDetail, ClusteringStatus, ClusterJob } from '@fixloop/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestContext } from './context.js';

export type Project = { id: string; apiKey: string };
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
export type Row = Record<string, unknown>;
/** Each seeded topic's cluster id and report ids. */
export type Seeded = Record<string, { cluster: string; reports: string[] }>;

/** Asserts the status (200 by default) and answers the JSON body. */
export async function ok<T>(
  res: LightMyRequestResponse | Promise<LightMyRequestResponse>,
  status = 200,
): Promise<T> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.json<T>();
}

export async function expectError(
  res: Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<void> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  expect(r.json<{ error: { code: string } }>().error.code).toBe(code);
}

export const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let serial = 0;
/** A report about `topic`; every text is new, so the embedding cache never answers for the stand-in. */
export function row(topic: string, extra: Row = {}): Row {
  serial++;
  return {
    title: `${topic} failure ${serial}`,
    body: `Report ${serial} (${randomUUID().slice(0, 8)}): the ${topic} screen misbehaves.`,
    ...extra,
  };
}

/** The cluster and clustering routes of one test context, called with a project's key. */
export function clusterApi(ctx: TestContext) {
  const call = (
    p: Project,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> =>
    ctx.request({ method, url, token: p.apiKey, ...(payload === undefined ? {} : { payload }) });

  async function importRows(p: Project, rows: Row[]): Promise<string[]> {
    const report = await ok<{ created: number; results: Array<{ id: string }> }>(
      call(p, 'POST', '/feedback/import', rows),
    );
    expect(report.created).toBe(rows.length);
    return report.results.map((r) => r.id);
  }

  /** Polls `GET /clustering/status` until nothing waits and no run is pending or running. */
  async function settle(p: Project): Promise<ClusteringStatus> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const s = await ok<ClusteringStatus>(call(p, 'GET', '/clustering/status'));
      const active = s.lastJob?.status === 'pending' || s.lastJob?.status === 'running';
      if (s.pendingCount === 0 && !s.isClustering && !active) return s;
      if (Date.now() > deadline) throw new Error(`clustering did not settle: ${JSON.stringify(s)}`);
      await sleep(20);
    }
  }

  async function waitForJob(p: Project, id: string): Promise<ClusterJob> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const job = await ok<ClusterJob>(call(p, 'GET', `/cluster-jobs/${id}`));
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${JSON.stringify(job)}`);
      await sleep(20);
    }
  }

  async function clusterIdOf(p: Project, feedbackId: string): Promise<string | undefined> {
    return (await ok<{ clusterId?: string }>(call(p, 'GET', `/feedback/${feedbackId}`))).clusterId;
  }

  /** Imports `count` reports per topic and waits for the worker; answers each topic's cluster and reports. */
  async function seed(p: Project, counts: Record<string, number>): Promise<Seeded> {
    const topics = Object.entries(counts);
    const created = await importRows(
      p,
      topics.flatMap(([topic, n]) => Array.from({ length: n }, () => row(topic))),
    );
    await settle(p);
    const out: Seeded = {};
    let at = 0;
    for (const [topic, n] of topics) {
      const reports = created.slice(at, at + n);
      at += n;
      const clusters = new Set(await Promise.all(reports.map((id) => clusterIdOf(p, id))));
      expect(clusters.size, `${topic} reports in one cluster`).toBe(1);
      out[topic] = { cluster: [...clusters][0] as string, reports };
    }
    return out;
  }

  return {
    call,
    importRows,
    settle,
    waitForJob,
    clusterIdOf,
    seed,
    list: (p: Project, query = '') => ok<Page<Cluster>>(call(p, 'GET', `/clusters${query}`)),
    detail: (p: Project, id: string) => ok<ClusterDetail>(call(p, 'GET', `/clusters/${id}`)),
  };
}
export type ClusterApi = ReturnType<typeof clusterApi>;
