import type { Cluster, CodingPlan, FeedbackItem } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { inlineText, issueReference, pullRequestText } from './pull-request-body.js';

const cluster: Cluster = {
  id: 'c-1',
  projectId: 'acme',
  title: 'Cart total wrong with coupons',
  summary: 'The cart total ignores coupons.',
  status: 'fixing',
  size: 3,
  countsBySource: { github: 2, sentry: 1 },
  reporters: 3,
  firstSeenAt: '2026-05-01T00:00:00.000Z',
  lastSeenAt: '2026-05-03T00:00:00.000Z',
  cohesion: 0.8,
  terms: ['coupon', 'total'],
  titleSource: 'auto',
  summarySource: 'offline',
  trend: [],
  createdAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-03T00:00:00.000Z',
};

const plan: CodingPlan = {
  id: 'p-1',
  clusterId: 'c-1',
  title: 'Apply coupons before the total',
  summary: 'Coupons are applied after rounding.',
  hypotheses: ['`total()` rounds first'],
  candidateFiles: [{ path: 'shop/cart.py', reason: 'in the stack trace of 1 report' }],
  steps: ['Apply the coupon in total()'],
  validation: ['pytest -q'],
  risk: 'low',
  citations: [],
  source: 'offline',
  createdAt: '2026-05-03T00:00:00.000Z',
  updatedAt: '2026-05-03T00:00:00.000Z',
};

function item(id: string, extra: Partial<FeedbackItem>): FeedbackItem {
  return {
    id,
    projectId: 'acme',
    source: 'manual',
    title: `Report ${id}`,
    body: '',
    createdAt: '2026-05-02T00:00:00.000Z',
    ingestedAt: '2026-05-02T00:00:00.000Z',
    status: 'open',
    metadata: {},
    ...extra,
  };
}

const reports = [
  item('a', { source: 'github', externalId: 'acme/shop#7', url: 'https://github.com/acme/shop/issues/7' }),
  item('b', { source: 'github', externalId: 'acme/other#3', url: 'https://github.com/acme/other/issues/3' }),
  item('c', {
    source: 'sentry',
    title: 'Ping @octocat ![x](https://evil.example/p.png) \u202Eevil',
    url: 'https://sentry.io/issues/1/',
  }),
];

describe('pullRequestText', () => {
  it('gives the summary, the plan, the validation result and links every report', () => {
    const { title, body } = pullRequestText({
      cluster,
      plan,
      reports,
      validation: {
        passed: false,
        commands: [
          { command: 'pytest -q', exitCode: 1, timedOut: false },
          { command: 'npm test', exitCode: null, timedOut: true },
        ],
      },
      owner: 'acme',
      repo: 'shop',
      jobId: 'j-1',
    });
    expect(title).toBe('Fix: Apply coupons before the total');
    expect(body).toContain('Coupons are applied after rounding.');
    expect(body).toContain('reported **3** times (2 github, 1 sentry)');
    expect(body).toContain('`shop/cart.py`');
    expect(body).toContain('1. Apply the coupon in total\\(\\)');
    expect(body).toContain('Some validation commands failed.');
    expect(body).toContain('- `pytest -q`: failed (exit 1)');
    expect(body).toContain('- `npm test`: timed out');
    expect(body).toContain('## Reports (3)');
    expect(body).toContain('](https://github.com/acme/shop/issues/7)');
    expect(body).toContain('](https://sentry.io/issues/1/)');
    expect(body).toContain('Refs #7');
    expect(body).toContain('Refs acme/other#3');
    expect(body).toContain('job `j-1`');
  });

  it('keeps report text inert: no mentions, images or hidden direction marks', () => {
    const { body } = pullRequestText({
      cluster,
      plan,
      reports,
      validation: { passed: true, commands: [] },
      owner: 'acme',
      repo: 'shop',
      jobId: 'j',
    });
    expect(body).not.toMatch(/(^|[^\\])@octocat/);
    expect(body).not.toContain('![x]');
    expect(body).not.toContain('\u202E');
    expect(body).toContain('The plan named no validation commands.');
  });

  it('stays within GitHub’s body limit with many long reports', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      item(`r${i}`, { title: 'x'.repeat(300), url: `https://example.com/${'y'.repeat(1_500)}/${i}` }),
    );
    const { body } = pullRequestText({
      cluster: { ...cluster, size: 500 },
      plan,
      reports: many,
      validation: { passed: true, commands: [] },
      owner: 'acme',
      repo: 'shop',
      jobId: 'j',
    });
    expect(body.length).toBeLessThanOrEqual(60_100);
    expect(body).toContain('## Reports (500)');
  });
});

describe('pullRequestText with a cluster larger than its detail', () => {
  it('says how many older reports the body does not list', () => {
    const { body } = pullRequestText({
      cluster: { ...cluster, size: 250 },
      plan,
      reports,
      validation: { passed: true, commands: [] },
      owner: 'acme',
      repo: 'shop',
      jobId: 'j',
    });
    expect(body).toContain('- and 247 older reports of the cluster, in Fixloop');
  });
});

describe('issueReference and inlineText', () => {
  it('refers to issues of the target repository by number, others by full name, others not at all', () => {
    expect(issueReference(reports[0] as FeedbackItem, 'ACME', 'Shop')).toBe('Refs #7');
    expect(issueReference(reports[1] as FeedbackItem, 'acme', 'shop')).toBe('Refs acme/other#3');
    expect(issueReference(reports[2] as FeedbackItem, 'acme', 'shop')).toBeNull();
  });

  it('escapes markdown and bounds the length', () => {
    expect(inlineText('a *b* [c](d) <e>')).toBe('a \\*b\\* \\[c\\]\\(d\\) \\<e\\>');
    expect(inlineText('z'.repeat(50), 10)).toHaveLength(10);
  });
});
