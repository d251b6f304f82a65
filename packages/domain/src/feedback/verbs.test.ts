import type { FeedbackItem, NewFeedback } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import type { FeedbackStore, Logger } from '../ports.js';
import type { IngestOutcomeLabel, Telemetry } from '../telemetry.js';
import {
  deleteFeedback,
  type FeedbackDeps,
  getFeedback,
  type ImportRow,
  importFeedback,
  ingestFeedback,
  listFeedback,
  updateFeedback,
  upsertFeedback,
} from './verbs.js';

function item(over: Partial<FeedbackItem> = {}): FeedbackItem {
  return {
    id: 'f1',
    projectId: 'p',
    source: 'manual',
    title: 'Title',
    body: 'Body',
    createdAt: '2025-01-01T00:00:00.000Z',
    ingestedAt: '2025-01-01T00:00:00.000Z',
    status: 'open',
    metadata: {},
    ...over,
  };
}

function nf(over: Partial<NewFeedback> = {}): NewFeedback {
  return { source: 'manual', title: 'T', body: '', status: 'open', metadata: {}, ...over };
}

/** Deps around a partial store stand-in; records log lines, store calls and unclustered pings. */
function depsWith(store: Partial<FeedbackStore>) {
  const logs: string[] = [];
  const pings: string[] = [];
  const log: Logger = {
    info: (_o, msg) => logs.push(msg ?? ''),
    warn: () => {},
    error: () => {},
    debug: () => {},
  };
  const deps: FeedbackDeps = {
    feedback: store as FeedbackStore,
    log,
    onUnclustered: async (projectId) => {
      pings.push(projectId);
    },
  };
  return { deps, logs, pings };
}

describe('ingestFeedback', () => {
  it('logs a new open report and asks for clustering', async () => {
    const { deps, logs, pings } = depsWith({
      addFeedbackItem: async () => ({ item: item(), outcome: 'created' }),
    });
    expect(await ingestFeedback(deps, 'p', nf())).toEqual({ item: item(), duplicate: false });
    expect(logs).toEqual(['feedback ingested']);
    expect(pings).toEqual(['p']);
  });

  it('does not ask for clustering for a closed report or a duplicate', async () => {
    const closed = depsWith({
      addFeedbackItem: async () => ({ item: item({ status: 'closed' }), outcome: 'created' }),
    });
    await ingestFeedback(closed.deps, 'p', nf({ status: 'closed' }));
    expect(closed.pings).toEqual([]);
    expect(closed.logs).toEqual(['feedback ingested']);

    const dup = depsWith({ addFeedbackItem: async () => ({ item: item(), outcome: 'duplicate' }) });
    expect((await ingestFeedback(dup.deps, 'p', nf())).duplicate).toBe(true);
    expect(dup.pings).toEqual([]);
    expect(dup.logs).toEqual([]);
  });

  it('works without a clustering hook', async () => {
    const { deps } = depsWith({ addFeedbackItem: async () => ({ item: item(), outcome: 'created' }) });
    delete deps.onUnclustered;
    expect((await ingestFeedback(deps, 'p', nf())).duplicate).toBe(false);
  });
});

describe('upsertFeedback', () => {
  const cases = [
    { outcome: 'created', status: 'open', logged: true, pinged: true },
    { outcome: 'updated', status: 'open', logged: false, pinged: true },
    { outcome: 'unchanged', status: 'open', logged: false, pinged: false },
    { outcome: 'updated', status: 'closed', logged: false, pinged: false },
    { outcome: 'created', status: 'closed', logged: true, pinged: false },
  ] as const;
  for (const c of cases) {
    it(`${c.outcome} ${c.status}: ${c.pinged ? 'asks' : 'does not ask'} for clustering`, async () => {
      const { deps, logs, pings } = depsWith({
        upsert: async () => ({ item: item({ status: c.status }), outcome: c.outcome }),
      });
      const result = await upsertFeedback(deps, 'p', { ...nf(), externalId: 'x' });
      expect(result.outcome).toBe(c.outcome);
      expect(logs).toEqual(c.logged ? ['feedback ingested'] : []);
      expect(pings).toEqual(c.pinged ? ['p'] : []);
    });
  }
});

describe('importFeedback', () => {
  it('stores only the valid rows and reports every row in its place', async () => {
    const stored: NewFeedback[][] = [];
    const { deps, logs, pings } = depsWith({
      addFeedbackItems: async (_p, items) => {
        stored.push(items);
        return items.map((_, i) => ({ id: `id${i}`, outcome: i === 1 ? 'duplicate' : 'created' }));
      },
    });
    const bad = { code: 'validation_failed', message: 'nope' };
    const rows: ImportRow[] = [
      { ok: false, error: bad },
      { ok: true, item: nf({ title: 'a' }) },
      { ok: true, item: nf({ title: 'b' }) },
      { ok: false, error: bad },
      { ok: true, item: nf({ title: 'c' }) },
    ];
    expect(await importFeedback(deps, 'p', rows)).toEqual({
      created: 2,
      duplicates: 1,
      rejected: 2,
      results: [
        { index: 0, status: 'rejected', error: bad },
        { index: 1, status: 'created', id: 'id0' },
        { index: 2, status: 'duplicate', id: 'id1' },
        { index: 3, status: 'rejected', error: bad },
        { index: 4, status: 'created', id: 'id2' },
      ],
    });
    expect(stored.map((batch) => batch.map((x) => x.title))).toEqual([['a', 'b', 'c']]);
    expect(logs).toEqual(['feedback ingested', 'feedback ingested']);
    expect(pings).toEqual(['p']);
  });

  it('does not touch the store when no row is valid, and does not ask for clustering', async () => {
    const { deps, pings } = depsWith({
      addFeedbackItems: async () => {
        throw new Error('must not be called');
      },
    });
    const result = await importFeedback(deps, 'p', [
      { ok: false, error: { code: 'invalid_json', message: 'x' } },
    ]);
    expect(result).toMatchObject({ created: 0, duplicates: 0, rejected: 1 });
    expect(pings).toEqual([]);
    expect(await importFeedback(deps, 'p', [])).toEqual({
      created: 0,
      duplicates: 0,
      rejected: 0,
      results: [],
    });
  });

  it('does not ask for clustering when every row was a duplicate', async () => {
    const { deps, pings } = depsWith({
      addFeedbackItems: async (_p, items) => items.map(() => ({ id: 'x', outcome: 'duplicate' })),
    });
    expect((await importFeedback(deps, 'p', [{ ok: true, item: nf() }])).duplicates).toBe(1);
    expect(pings).toEqual([]);
  });
});

describe('getFeedback / listFeedback / deleteFeedback', () => {
  it('answers not_found for a missing item', async () => {
    const { deps } = depsWith({ get: async () => null, delete: async () => false });
    await expect(getFeedback(deps, 'p', 'nope')).rejects.toMatchObject({
      code: 'not_found',
      message: 'feedback nope not found',
    });
    await expect(deleteFeedback(deps, 'p', 'nope')).rejects.toBeInstanceOf(DomainError);
  });

  it('passes list queries through and logs deletions', async () => {
    const page = { items: [item()], nextCursor: 'c' };
    const { deps, logs } = depsWith({
      list: async () => page,
      get: async () => item(),
      delete: async () => true,
    });
    expect(await listFeedback(deps, 'p', { limit: 10 })).toBe(page);
    await deleteFeedback(deps, 'p', 'f1');
    expect(logs).toEqual(['feedback deleted']);
  });

  it('takes a clustered report out of its cluster before deleting it', async () => {
    const order: string[] = [];
    const { deps } = depsWith({
      get: async () => item({ clusterId: 'c1' }),
      delete: async () => {
        order.push('delete');
        return true;
      },
    });
    await deleteFeedback(
      { ...deps, leaveCluster: async (_p, id) => void order.push(`leave ${id}`) },
      'p',
      'f1',
    );
    expect(order).toEqual(['leave f1', 'delete']);
  });
});

describe('updateFeedback', () => {
  function withItem(current: FeedbackItem, updatedOver: Partial<FeedbackItem> | null) {
    const patches: unknown[] = [];
    const ctx = depsWith({
      get: async () => current,
      update: async (_p, _id, patch) => {
        patches.push(patch);
        return updatedOver === null ? null : { ...current, ...patch, ...updatedOver };
      },
    });
    return { ...ctx, patches };
  }

  it('refuses to empty both title and body without calling the store', async () => {
    const { deps, patches } = withItem(item({ title: '', body: 'B' }), {});
    await expect(updateFeedback(deps, 'p', 'f1', { body: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'title', message: 'a report needs a non-empty title or body' }] },
    });
    expect(patches).toEqual([]);
  });

  it('asks for clustering after a text change of an open report only', async () => {
    const text = withItem(item(), {});
    await updateFeedback(text.deps, 'p', 'f1', { title: 'New' });
    expect(text.pings).toEqual(['p']);

    const meta = withItem(item(), {});
    await updateFeedback(meta.deps, 'p', 'f1', { metadata: { a: 1 }, title: 'Title' });
    expect(meta.pings).toEqual([]);

    const closed = withItem(item({ status: 'closed' }), {});
    await updateFeedback(closed.deps, 'p', 'f1', { body: 'changed' });
    expect(closed.pings).toEqual([]);
  });

  it('asks for clustering when a closed report is reopened', async () => {
    const { deps, pings } = withItem(item({ status: 'closed' }), {});
    expect((await updateFeedback(deps, 'p', 'f1', { status: 'open' })).status).toBe('open');
    expect(pings).toEqual(['p']);
  });

  it('answers not_found when the item vanished between read and write', async () => {
    const { deps } = withItem(item(), null);
    await expect(updateFeedback(deps, 'p', 'f1', { title: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

/** Deps whose telemetry records every ingest count as `source/outcome` lines. */
function countingDeps(store: Partial<FeedbackStore>) {
  const counted: string[] = [];
  const telemetry: Telemetry = {
    feedbackIngested: (source: string, outcome: IngestOutcomeLabel, count = 1) => {
      for (let i = 0; i < count; i++) counted.push(`${source}/${outcome}`);
    },
    jobFinished: () => {},
    embeddingCall: () => {},
    embeddingCacheLookup: () => {},
  };
  const { deps } = depsWith(store);
  deps.telemetry = telemetry;
  return { deps, counted };
}

describe('ingest counts', () => {
  it('counts a single report as created, held or duplicate, by its source', async () => {
    const outcomes = [
      { item: item({ source: 'sentry' }), outcome: 'created' },
      { item: item({ source: 'sentry', held: true }), outcome: 'created' },
      { item: item({ source: 'reddit' }), outcome: 'duplicate' },
    ] as const;
    let n = 0;
    const { deps, counted } = countingDeps({ addFeedbackItem: async () => outcomes[n++] as never });
    for (let i = 0; i < outcomes.length; i++) await ingestFeedback(deps, 'p', nf());
    expect(counted).toEqual(['sentry/created', 'sentry/held', 'reddit/duplicate']);
  });

  it('counts a report refused past the hard cap as rejected and still throws', async () => {
    const { deps, counted } = countingDeps({
      addFeedbackItem: async () => {
        throw new DomainError('rate_limited', 'full');
      },
    });
    await expect(ingestFeedback(deps, 'p', nf({ source: 'github' }))).rejects.toThrow('full');
    expect(counted).toEqual(['github/rejected']);

    const broken = countingDeps({
      upsert: async () => {
        throw new Error('redis is down');
      },
    });
    await expect(upsertFeedback(broken.deps, 'p', { ...nf(), externalId: 'x' })).rejects.toThrow();
    expect(broken.counted).toEqual([]);
  });

  it('counts upserts: created, held, updated, and unchanged as a duplicate', async () => {
    const outcomes = [
      { item: item({ source: 'github' }), outcome: 'created' },
      { item: item({ source: 'github', held: true }), outcome: 'created' },
      { item: item({ source: 'github' }), outcome: 'updated' },
      { item: item({ source: 'github' }), outcome: 'unchanged' },
    ] as const;
    let n = 0;
    const { deps, counted } = countingDeps({ upsert: async () => outcomes[n++] as never });
    for (let i = 0; i < outcomes.length; i++)
      await upsertFeedback(deps, 'p', { ...nf({ source: 'github' }), externalId: `x${i}` });
    expect(counted).toEqual(['github/created', 'github/held', 'github/updated', 'github/duplicate']);
  });

  it('counts every stored import row by its own source; invalid rows are not ingests', async () => {
    const { deps, counted } = countingDeps({
      addFeedbackItems: async () => [
        { id: 'a', outcome: 'created' },
        { id: 'b', outcome: 'created', held: true },
        { id: 'c', outcome: 'duplicate' },
        { id: '', outcome: 'rejected', plan: 'free', limit: 3 },
      ],
    });
    await importFeedback(deps, 'p', [
      { ok: true, item: nf({ source: 'manual' }) },
      { ok: false, error: { code: 'validation_failed', message: 'no title' } },
      { ok: true, item: nf({ source: 'zendesk' }) },
      { ok: true, item: nf({ source: 'manual' }) },
      { ok: true, item: nf({ source: 'manual' }) },
    ]);
    expect(counted).toEqual(['manual/created', 'zendesk/held', 'manual/duplicate', 'manual/rejected']);
  });
});
