import { FeedbackInput, type NewFeedback } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import type { FeedbackDeps } from '../feedback/verbs.js';
import type { AddOutcome, FeedbackStore } from '../ports.js';
import { loadSampleReports, SAMPLE_TOPICS, sampleReports } from './sample-reports.js';

const NOW = new Date('2026-05-20T12:00:00.000Z');
const DAY_MS = 86_400_000;

describe('sampleReports', () => {
  const reports = sampleReports(NOW);

  it('holds six problems of 4 to 8 reports each and a few one-offs', () => {
    const sizes = new Map<string, number>();
    for (const r of reports) {
      const topic = String(r.metadata.topic);
      sizes.set(topic, (sizes.get(topic) ?? 0) + 1);
    }
    expect(reports.length).toBeGreaterThanOrEqual(35);
    expect(reports.length).toBeLessThanOrEqual(45);
    for (const topic of SAMPLE_TOPICS) {
      expect(sizes.get(topic)).toBeGreaterThanOrEqual(4);
      expect(sizes.get(topic)).toBeLessThanOrEqual(8);
    }
    const oneOffs = [...sizes].filter(([topic]) => !(SAMPLE_TOPICS as readonly string[]).includes(topic));
    expect(oneOffs.length).toBeGreaterThanOrEqual(3);
    expect(oneOffs.length).toBeLessThanOrEqual(5);
    for (const [, size] of oneOffs) expect(size).toBe(1);
  });

  it('is tagged as the sample, with stable numbered external ids', () => {
    expect(reports.map((r) => r.externalId)).toEqual(
      reports.map((_, i) => `sample-${String(i + 1).padStart(2, '0')}`),
    );
    for (const r of reports) {
      expect(r).toMatchObject({ source: 'sample', status: 'open', metadata: { sample: true } });
      expect(typeof r.metadata.topic).toBe('string');
    }
    expect(new Set(reports.map((r) => r.title)).size).toBe(reports.length);
  });

  it('spreads createdAt over the 14 days before now', () => {
    const ages = reports.map((r) => NOW.getTime() - Date.parse(r.createdAt as string));
    for (const age of ages) {
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual(14 * DAY_MS);
    }
    const days = new Set(ages.map((a) => Math.floor(a / DAY_MS)));
    expect(days.size).toBeGreaterThanOrEqual(10);
  });

  it('passes the validation of a hand-sent report', () => {
    for (const r of reports) {
      const parsed = FeedbackInput.safeParse(r);
      expect(parsed.success, r.title).toBe(true);
      expect(parsed.data).toEqual(r);
    }
  });
});

/** An in-memory store that dedupes on `(source, externalId)` like the real one. */
function dedupingStore() {
  const byExternal = new Map<string, string>();
  const calls: NewFeedback[][] = [];
  const store: Partial<FeedbackStore> = {
    addFeedbackItems: async (_projectId, items) => {
      calls.push(items);
      return items.map((item) => {
        const key = `${item.source}:${item.externalId}`;
        const existing = byExternal.get(key);
        if (existing) return { id: existing, outcome: 'duplicate' as AddOutcome };
        const id = `id-${byExternal.size + 1}`;
        byExternal.set(key, id);
        return { id, outcome: 'created' as AddOutcome };
      });
    },
  };
  return { store: store as FeedbackStore, calls };
}

describe('loadSampleReports', () => {
  it('imports the sample in one call, and a second load finds every report a duplicate', async () => {
    const { store, calls } = dedupingStore();
    const pings: string[] = [];
    const deps: FeedbackDeps = {
      feedback: store,
      log: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      onUnclustered: async (projectId) => {
        pings.push(projectId);
      },
    };
    const n = sampleReports(NOW).length;

    const first = await loadSampleReports(deps, 'acme', NOW);
    expect(first).toMatchObject({ created: n, duplicates: 0, rejected: 0 });
    expect(first.results.map((r) => r.status)).toEqual(Array(n).fill('created'));
    expect(calls).toEqual([sampleReports(NOW)]);
    expect(pings).toEqual(['acme']);

    const later = new Date(NOW.getTime() + DAY_MS);
    const second = await loadSampleReports(deps, 'acme', later);
    expect(second).toMatchObject({ created: 0, duplicates: n, rejected: 0 });
    expect(second.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(pings).toEqual(['acme']);
  });
});
