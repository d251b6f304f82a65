import { InMemoryProjectTermStats } from '@fixloop/adapters';
import { pairwiseScores, prepareIssueTexts } from '@fixloop/clustering';
import type { FeedbackItem } from '@fixloop/contracts';
import { SAMPLE_TOPICS, sampleReports } from '@fixloop/domain';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { composeRepresentation } from '../src/clustering/compose.js';
import { InProcessEngine } from '../src/clustering/in-process-engine.js';
import { loadConfig } from '../src/config.js';
import { clusterApi, ok } from './support/cluster-api.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The onboarding sample must show a new user its six problems as six clusters with the offline
 * default (`local:hybrid-v1`, threshold 0.55, agglomerative). Measured: pairwise F1 1.0 (precision
 * 1, recall 1) at 0.55; it stays 1.0 from 0.30 to 0.55 and falls off above 0.58. The floor of 0.9
 * lets one group split in two, or one report stray, but not a group dissolving into singletons.
 * One-offs have topics of their own, so one joined to anything costs precision.
 */
const F1_FLOOR = 0.9;

const contexts: TestContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
});

describe('the onboarding sample under the default representation', () => {
  it('clusters into its six problems in one batch, as the runner does', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    expect(config.embeddings.provider).toBe('local');
    expect(config.clustering.method).toBe('agglomerative');
    expect(config.clustering.simThreshold).toBeUndefined();
    const representation = composeRepresentation(config, pino({ level: 'silent' }), {
      termStats: new InMemoryProjectTermStats(),
    });
    try {
      expect([representation.id, representation.defaultThreshold]).toEqual(['local:hybrid-v1', 0.55]);
      const items = sampleReports(new Date());
      const vectors = await representation.vectorize(
        'sample',
        prepareIssueTexts(items, config.clustering.truncateBodyChars),
      );
      const { targets } = await new InProcessEngine().assign({
        clusters: [],
        vectors,
        simThreshold: representation.defaultThreshold,
        method: config.clustering.method,
      });
      const labels = targets.map((t) => ('group' in t ? t.group : -1));
      const topics = items.map((i) => String(i.metadata.topic));
      const s = pairwiseScores(topics, labels);
      expect(s.f1, JSON.stringify(s)).toBeGreaterThanOrEqual(F1_FLOOR);
      // Every problem is mostly in one cluster of its own.
      for (const topic of SAMPLE_TOPICS) {
        const mine = labels.filter((_, i) => topics[i] === topic);
        const largest = Math.max(...[...new Set(mine)].map((l) => mine.filter((x) => x === l).length));
        expect(largest, topic).toBeGreaterThanOrEqual(Math.ceil(mine.length / 2) + 1);
      }
    } finally {
      await representation.close?.();
    }
  });

  it('clusters the same way when loaded through the API and clustered by the worker', async () => {
    const ctx = await createTestContext({ ROLE: 'all', CLUSTERING_DEBOUNCE_MS: '0' });
    contexts.push(ctx);
    const http = clusterApi(ctx);
    const p = await ctx.createProject();
    await ok(ctx.request({ method: 'POST', url: `/projects/${p.id}/feedback/sample`, token: p.apiKey }));
    await http.settle(p);
    const { items } = await ok<{ items: FeedbackItem[] }>(
      http.call(p, 'GET', '/feedback?source=sample&limit=200'),
    );
    expect(items).toHaveLength(sampleReports(new Date()).length);
    const topics = items.map((i) => String(i.metadata.topic));
    const labels = items.map((i) => i.clusterId ?? `alone:${i.id}`);
    const s = pairwiseScores(topics, labels);
    expect(s.f1, JSON.stringify(s)).toBeGreaterThanOrEqual(F1_FLOOR);
    const clusters = await http.list(p);
    expect(clusters.items.length).toBeGreaterThanOrEqual(SAMPLE_TOPICS.length);
  }, 60_000);
});
