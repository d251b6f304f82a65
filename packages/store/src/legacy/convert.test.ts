import { describe, expect, it } from 'vitest';
import { convertCluster } from './convert-cluster.js';
import { convertFeedback } from './convert-feedback.js';
import { convertJob, INTERRUPTED, logLinesOf } from './convert-job.js';
import { classifyKey } from './legacy-keyspace.js';
import { parseLegacyTime } from './legacy-values.js';

const NOW = new Date('2026-02-01T12:00:00.000Z');

describe('parseLegacyTime', () => {
  it.each([
    ['2024-03-05T10:11:12Z', '2024-03-05T10:11:12.000Z'],
    ['2024-03-05T10:11:12.123456', '2024-03-05T10:11:12.123Z'],
    ['2024-03-05 10:11:12+02:00', '2024-03-05T08:11:12.000Z'],
    ['2024-03-05T10:11:12+0200', '2024-03-05T08:11:12.000Z'],
    ['2024-03-05', '2024-03-05T00:00:00.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['1700000000.25', '2023-11-14T22:13:20.250Z'],
    ['1700000000250', '2023-11-14T22:13:20.250Z'],
    ['1700000000250000', '2023-11-14T22:13:20.250Z'],
    ['Tue, 14 Nov 2023 22:13:20 GMT', '2023-11-14T22:13:20.000Z'],
  ])('%s → %s', (raw, iso) => expect(parseLegacyTime(raw)).toBe(iso));

  it.each(['', 'yesterday', '12', '99999999999999999999', undefined])('%s is unreadable', (raw) =>
    expect(parseLegacyTime(raw)).toBeUndefined(),
  );
});

describe('classifyKey', () => {
  it.each([
    ['feedback:abc', 'hash', { kind: 'feedback', id: 'abc', role: 'record' }],
    ['feedback:created', 'zset', { kind: 'index', lists: 'feedback' }],
    ['feedback:source:github', 'set', { kind: 'index', lists: 'feedback' }],
    ['feedback:unclustered:default', 'set', { kind: 'index', lists: 'feedback' }],
    ['cluster:c1', 'hash', { kind: 'clusters', id: 'c1', role: 'record' }],
    ['cluster:items:c1', 'set', { kind: 'clusters', id: 'c1', role: 'items' }],
    ['cluster:c1:items', 'set', { kind: 'clusters', id: 'c1', role: 'items' }],
    ['cluster:default:c1', 'hash', { kind: 'clusters', id: 'c1', role: 'record' }],
    ['cluster:default:c1:items', 'set', { kind: 'clusters', id: 'c1', role: 'items' }],
    ['clusters:default:all', 'zset', { kind: 'index', lists: 'clusters' }],
    ['job:j1', 'hash', { kind: 'jobs', id: 'j1', role: 'record' }],
    ['job:j1:logs', 'list', { kind: 'jobs', id: 'j1', role: 'logs' }],
    ['config:reddit:subreddits', 'list', { kind: 'subreddits' }],
    ['cluster:default:c1', 'string', { kind: 'unknown' }],
    ['cluster_job:x', 'hash', { kind: 'unknown' }],
  ])('%s (%s)', (key, type, want) => expect(classifyKey(key, type)).toEqual(want));
});

describe('conversions', () => {
  it('a report with only raw_text and odd fields', () => {
    const c = convertFeedback(
      'f1',
      { source: 'GitHub', external_id: 'Acme/Web#3', raw_text: ' text ', status: 'resolved', score: '4' },
      { projectId: 'p', createdScore: '1700000000', now: NOW },
    );
    expect(c).toMatchObject({
      ok: true,
      value: {
        id: 'f1',
        source: 'github',
        externalId: 'acme/web#3',
        title: '',
        body: 'text',
        status: 'closed',
        createdAt: '2023-11-14T22:13:20.000Z',
        ingestedAt: NOW.toISOString(),
        metadata: { legacyFields: { score: '4' } },
      },
    });
  });

  it('refuses a report with no text and one with an impossible source', () => {
    const ctx = { projectId: 'p', createdScore: null, now: NOW };
    expect(convertFeedback('f', { title: '  ' }, ctx)).toEqual({
      ok: false,
      reason: 'no title, body or raw_text',
    });
    expect(convertFeedback('f', { title: 'x', source: '9lives' }, ctx).ok).toBe(false);
  });

  it('maps cluster statuses; fixing cannot survive without its run', () => {
    const status = (s: string, extra: Record<string, string> = {}) => {
      const c = convertCluster({ status: s, ...extra }, NOW);
      return c.ok ? c.value.status : undefined;
    };
    expect(status('In Progress')).toBe('triaged');
    expect(status('fixing', { pr_url: 'https://github.com/a/b/pull/1' })).toBe('pr_opened');
    expect(status('wontfix')).toBe('ignored');
    expect(status('whatever')).toBe('new');
    const c = convertCluster({ feedback_ids: '["a","b"]', centroid: '[1]', owner: 'x' }, NOW);
    expect(c).toMatchObject({ ok: true, value: { listedMembers: ['a', 'b'], updatedAt: NOW.toISOString() } });
    expect(c.ok && c.notes).toContain('fields not carried over: owner');
  });

  it('maps job statuses and reads logs in every legacy shape', () => {
    const job = (h: Record<string, string>) => {
      const c = convertJob('j', { cluster_id: 'c', ...h }, [], { projectId: 'p', now: NOW });
      return c.ok ? c.value.job : undefined;
    };
    expect(job({ status: 'in_progress' })).toMatchObject({
      status: 'failed',
      error: INTERRUPTED,
      finishedAt: NOW.toISOString(),
    });
    expect(job({ status: 'Completed', error: 'ignored' })).toMatchObject({ status: 'succeeded' });
    expect(job({ status: 'canceled' })?.status).toBe('cancelled');
    expect(job({ status: 'exploded' })).toMatchObject({
      status: 'failed',
      error: 'unknown legacy status "exploded"',
    });
    expect(convertJob('j', { status: 'done' }, [], { projectId: 'p', now: NOW })).toEqual({
      ok: false,
      reason: 'no cluster_id',
    });
    expect(logLinesOf('"a\\nb"').map((l) => l.line)).toEqual(['a', 'b']);
    expect(logLinesOf('[{"msg":"x","stream":"stderr","step":"test"}]')).toEqual([
      { step: 'test', stream: 'stderr', line: 'x' },
    ]);
    expect(logLinesOf('[not json').map((l) => l.line)).toEqual(['[not json']);
  });
});
