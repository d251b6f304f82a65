import { randomUUID } from 'node:crypto';
import { emptyClusterJobStats } from '@fixloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BullScheduler } from '../../src/jobs/bull-scheduler.js';
import { createTestContext, type TestContext } from '../support/context.js';

/**
 * A clustering job record and its queue entry are two writes (the record in the project's keys,
 * the entry in BullMQ's). A process that dies between them leaves a pending job nobody runs; the
 * next request for clustering must queue it, or every later report waits behind it.
 */
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

describe('a pending clustering job whose queue entry was lost', () => {
  it('is queued again by the next ingest', async () => {
    const p = await ctx.createProject();
    const queue = (ctx.runtime.container.scheduler as BullScheduler).clusteringQueue;
    // The record exists, as after a crash between the two writes; its queue entry does not.
    const { job, created } = await ctx.runtime.container.clusterJobs.ensureActive(p.id, {
      id: randomUUID(),
      projectId: p.id,
      kind: 'incremental',
      status: 'pending',
      createdAt: new Date().toISOString(),
      stats: emptyClusterJobStats(),
    });
    expect(created).toBe(true);
    expect(await queue.getJob(`clustering-${job.id}`)).toBeUndefined();

    const res = await ctx.request({
      method: 'POST',
      url: `/projects/${p.id}/feedback`,
      token: p.apiKey,
      payload: { title: 'Export drops the last column', externalId: `lost-${ctx.tag}` },
    });
    expect(res.statusCode).toBe(201);
    // Ingest asks for clustering without waiting for it (a throttled trigger).
    const deadline = Date.now() + 5_000;
    while (!(await queue.getJob(`clustering-${job.id}`)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await queue.getJob(`clustering-${job.id}`)).toBeDefined();
    expect((await ctx.runtime.container.clusterJobs.active(p.id))?.id).toBe(job.id);
  });
});
