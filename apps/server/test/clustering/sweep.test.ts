import { keys } from '@fixloop/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/context.js';

/**
 * Ingest asks for clustering without waiting (a throttled, in-memory request), so an API process
 * killed right after storing a report can take the request with it. A worker's sweep finds such
 * reports, with nothing more arriving and no worker restarting.
 */
let ctx: TestContext;
beforeAll(async () => {
  // The sweep runs every two lock lifetimes: 2 s here.
  ctx = await createTestContext({ ROLE: 'all', CLUSTERING_LOCK_TTL_MS: '1000', CLUSTERING_DEBOUNCE_MS: '0' });
});
afterAll(async () => ctx.close());

describe('the clustering sweep', () => {
  it('clusters a stored report whose clustering request was lost', async () => {
    const p = await ctx.createProject();
    const c = ctx.runtime.container;
    // Stored as ingest stores it, but the request for clustering never made it (its process died).
    const { item } = await c.feedback.addFeedbackItem(p.id, {
      source: 'manual',
      externalId: `swept-${ctx.tag}`,
      title: 'Invoice PDF has overlapping text',
      body: 'The totals overlap the footer.',
      status: 'open',
      metadata: {},
    });
    expect(await c.redis.sismember(keys.feedbackUnclustered(p.id), item.id)).toBe(1);
    expect(await c.clusterJobs.active(p.id)).toBeNull();

    const deadline = Date.now() + 15_000;
    while ((await c.feedback.get(p.id, item.id))?.clusterId === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await c.feedback.get(p.id, item.id))?.clusterId).toEqual(expect.any(String));
    expect(await c.redis.scard(keys.feedbackUnclustered(p.id))).toBe(0);
  }, 30_000);
});
