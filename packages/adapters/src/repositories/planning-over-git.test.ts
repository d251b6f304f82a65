import { join } from 'node:path';
import type { Cluster, FeedbackItem } from '@fixloop/contracts';
import { offlinePlanner } from '@fixloop/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepositoryReader } from './git-repository-reader.js';
import { type LocalRepo, makeRepo } from './test-repos.js';

// A small JS shop, as the offline planner meets it through the real reader.
let repo: LocalRepo;
beforeAll(() => {
  repo = makeRepo({
    'package.json': JSON.stringify(
      { name: 'shop', scripts: { test: 'node --test', lint: 'eslint .' } },
      null,
      2,
    ),
    'package-lock.json': '{"coupon": "checkout coupon applyCoupon"}\n',
    'src/checkout/coupon.js': [
      'const CODES = { SAVE10: { discount: 10 } };',
      '',
      'export function applyCoupon(cart, code) {',
      '  // an unknown code has no entry',
      '  return cart.subtotal - CODES[code].discount;',
      '}',
    ].join('\n'),
    'src/checkout/total.js': [
      "import { applyCoupon } from './coupon.js';",
      '',
      'export function checkoutTotal(cart) {',
      '  return cart.code ? applyCoupon(cart, cart.code) : cart.subtotal;',
      '}',
    ].join('\n'),
    'src/ui/CouponForm.jsx': 'export const CouponForm = () => <button>Apply coupon</button>;\n',
    'src/catalog/products.js': 'export const products = [];\n',
    'test/coupon.test.js': "import { applyCoupon } from '../src/checkout/coupon.js';\n",
    'node_modules/left-pad/coupon.js': 'applyCoupon coupon checkout\n',
    'dist/bundle.js': 'applyCoupon coupon checkout\n',
  });
});
afterAll(() => repo.remove());

const cluster: Cluster = {
  id: 'cl-1',
  projectId: 'shop',
  title: 'TypeError when applying an unknown coupon at checkout',
  summary: '4 reports (3 sentry, 1 github). Distinctive terms: coupon, checkout, discount.',
  status: 'new',
  size: 4,
  countsBySource: { sentry: 3, github: 1 },
  reporters: 4,
  firstSeenAt: '2026-02-01T00:00:00.000Z',
  lastSeenAt: '2026-02-03T00:00:00.000Z',
  cohesion: 0.7,
  terms: ['coupon', 'checkout', 'discount'],
  titleSource: 'auto',
  summarySource: 'offline',
  trend: [],
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-03T00:00:00.000Z',
};

function report(id: string, patch: Partial<FeedbackItem>): FeedbackItem {
  return {
    id,
    projectId: 'shop',
    source: 'manual',
    title: '',
    body: '',
    createdAt: '2026-02-01T00:00:00.000Z',
    ingestedAt: '2026-02-01T00:00:00.000Z',
    status: 'open',
    metadata: {},
    ...patch,
  };
}

const sentry = (id: string) =>
  report(id, {
    source: 'sentry',
    title: "TypeError: Cannot read properties of undefined (reading 'discount')",
    body: "TypeError: Cannot read properties of undefined (reading 'discount')",
    metadata: {
      sentry: {
        exception: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'discount')" },
        frames: [
          { filename: 'app:///static/js/checkout/total.js', function: 'checkoutTotal', lineno: 4 },
          { filename: 'app:///static/js/checkout/coupon.js', function: 'applyCoupon', lineno: 5 },
        ],
      },
    },
  });

describe('offline planning over a real clone', () => {
  it('names the traced files, the coupon form and the repository’s own commands', async () => {
    const reader = new GitRepositoryReader({ cacheDir: join(repo.root, 'cache') });
    const repository = await reader.snapshot('shop', { owner: 'acme', name: 'shop', url: repo.url });
    const reports = [
      sentry('s1'),
      sentry('s2'),
      sentry('s3'),
      report('g1', {
        source: 'github',
        title: 'Apply coupon crashes checkout',
        body: 'Typing an expired code and pressing "Apply coupon" breaks the checkout page.',
      }),
    ];
    const plan = await offlinePlanner().plan({ cluster, reports, repository });
    const paths = plan.candidateFiles.map((f) => f.path);
    expect(paths.slice(0, 2)).toEqual(['src/checkout/coupon.js', 'src/checkout/total.js']);
    expect(plan.candidateFiles[0]?.reason).toMatch(
      /^in the stack trace of 3 reports \(innermost in-app frame\): `applyCoupon` line 5; also mentions /,
    );
    expect(paths).toContain('src/ui/CouponForm.jsx');
    expect(paths).not.toContain('src/catalog/products.js');
    expect(
      paths.some((p) => p.startsWith('node_modules/') || p.startsWith('dist/') || p.endsWith('lock.json')),
    ).toBe(false);
    expect(plan.validation).toEqual(['npm test', 'npm run lint']);
    expect(plan.hypotheses[0]).toMatch(
      /^`TypeError: Cannot read properties of undefined \(reading 'discount'\)` is raised in `src\/checkout\/coupon.js`/,
    );
    expect(plan.risk).toBe('low');
    expect(plan.summary).toContain(`commit ${repository.commit.slice(0, 12)} (main)`);
  });
});
