import { describe, expect, it } from 'vitest';
import type { RepositorySnapshot } from '../ports.js';
import { offlinePlanner } from './offline-planner.js';
import { makeCluster, makeReport, memorySnapshot, sentryReport } from './planning-fixtures.js';

const SHOP = {
  'pyproject.toml': '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  'README.md': '# Shop\n',
  'shop/__init__.py': '',
  'shop/views.py': 'from shop.cart import total\n\ndef checkout(request):\n    return total(request.cart)\n',
  'shop/cart.py':
    'def total(cart):\n    coupon = cart.meta["coupon"]\n    return cart.subtotal - coupon.discount\n',
  'shop/coupons.py':
    'def apply_coupon(cart, code):\n    """Apply coupon: store the coupon on the cart at checkout."""\n    cart.meta["coupon"] = lookup(code)\n',
  'shop/templates/cart.html': '<button>Apply coupon</button>\n',
  'tests/test_cart.py': 'def test_total():\n    assert total(cart) == 0\n',
  'docs/index.md': 'Shipping and returns.\n',
};

const FRAMES = [
  { filename: '/srv/app/shop/views.py', function: 'checkout', lineno: 17 },
  { filename: '/srv/app/shop/cart.py', function: 'total', lineno: 42 },
];
const KEY_ERROR = { type: 'KeyError', value: "'coupon'" };

function reports() {
  return [
    ...Array.from({ length: 5 }, () => sentryReport(FRAMES, KEY_ERROR)),
    makeReport({
      source: 'github',
      title: 'Checkout crashes after I apply coupon',
      body: 'When I click "Apply coupon" and then go to checkout, the page crashes. I think apply_coupon is involved.',
      url: 'https://github.com/acme/shop/issues/7',
    }),
    makeReport({
      source: 'github',
      title: 'apply coupon breaks checkout',
      body: 'After I apply coupon SAVE10 the checkout page shows a server error.',
    }),
  ];
}

describe('offlinePlanner', () => {
  it('names the files of the stack traces first, innermost first, with the evidence', async () => {
    const { snapshot } = memorySnapshot(SHOP);
    const plan = await offlinePlanner().plan({
      cluster: makeCluster(),
      reports: reports(),
      repository: snapshot,
    });
    expect(plan.source).toBe('offline');
    expect(plan.candidateFiles.map((f) => f.path).slice(0, 3)).toEqual([
      'shop/cart.py',
      'shop/views.py',
      'shop/coupons.py',
    ]);
    expect(plan.candidateFiles[0]?.reason).toMatch(
      /^in the stack trace of 5 reports \(innermost in-app frame\): `total` line 42; also mentions `coupon`/,
    );
    expect(plan.candidateFiles[1]?.reason).toMatch(/^in the stack trace of 5 reports: `checkout` line 17/);
    expect(plan.candidateFiles[2]?.reason).toMatch(
      /^mentions .*`apply_coupon`.* \(\d+ hits\); its path matches `coupon`; line 1: `def apply_coupon\(cart, code\):`$/,
    );
    expect(plan.candidateFiles.length).toBeLessThanOrEqual(8);
  });

  it('writes hypotheses from the exception, the top frame and recurring phrases', async () => {
    const { snapshot } = memorySnapshot(SHOP);
    const plan = await offlinePlanner().plan({
      cluster: makeCluster(),
      reports: reports(),
      repository: snapshot,
    });
    expect(plan.hypotheses[0]).toBe(
      "`KeyError: 'coupon'` is raised in `shop/cart.py` (`total` line 42) in 5 of 7 reports: the code likely reaches a key or index that is absent in this case.",
    );
    expect(plan.hypotheses.slice(1)).toEqual([
      "The reports' own words point at `shop/coupons.py`, which mentions `coupon`, `apply_coupon`, `Apply coupon`, `checkout` (7 hits): the behaviour they describe is probably implemented there.",
      '2 reports say `apply coupon`: the fix should make that case behave as users expect.',
    ]);
  });

  it('writes steps that name the files and the detected validation commands', async () => {
    const { snapshot } = memorySnapshot(SHOP);
    const plan = await offlinePlanner().plan({
      cluster: makeCluster(),
      reports: reports(),
      repository: snapshot,
    });
    expect(plan.validation).toEqual(['pytest -q']);
    expect(plan.steps[0]).toBe(
      "Reproduce `KeyError: 'coupon'` from the reports below, ideally as a failing test.",
    );
    expect(plan.steps[1]).toBe(
      'Inspect `shop/cart.py` at `total` line 42, where the stack traces of 5 reports point: find why it fails in the reported case.',
    );
    expect(plan.steps.at(-1)).toBe('Run `pytest -q` and make sure everything passes.');
    expect(plan.risk).toBe('low');
    expect(plan.summary).toBe(
      '7 reports (5 sentry, 2 github) about `Checkout crashes when a coupon is applied`; distinctive terms: `coupon`, `checkout`, `total`.\n\n' +
        'Planned offline from 7 reports; the stack traces of 5 resolve to repository files, and the repository at commit c0ffee000000 (main).',
    );
  });

  it('resolves Python modules when frames carry no file name', async () => {
    const { snapshot } = memorySnapshot(SHOP);
    const byModule = Array.from({ length: 3 }, () =>
      sentryReport([{ module: 'shop.cart', function: 'total', lineno: 3 }], { type: 'AttributeError' }),
    );
    const plan = await offlinePlanner().plan({
      cluster: makeCluster({ terms: [] }),
      reports: byModule,
      repository: snapshot,
    });
    expect(plan.candidateFiles[0]).toEqual({
      path: 'shop/cart.py',
      reason: 'in the stack trace of 3 reports (innermost in-app frame): `total` line 3',
    });
    expect(plan.hypotheses[0]).toMatch(/null where the code assumes it is set/);
  });

  it('plans from the reports alone when there is no repository, and says so', async () => {
    const plan = await offlinePlanner().plan({ cluster: makeCluster(), reports: reports() });
    expect(plan.candidateFiles).toEqual([]);
    expect(plan.validation).toEqual([]);
    expect(plan.risk).toBe('high');
    expect(plan.summary).toMatch(/The repository could not be read/);
    expect(plan.hypotheses[0]).toMatch(/^`KeyError: 'coupon'` is raised in `total` in 5 of 7 reports/);
    expect(plan.steps.some((s) => s.startsWith('Find the code involved'))).toBe(true);
  });

  it('says the cause is not located when nothing points at it', async () => {
    const plan = await offlinePlanner().plan({
      cluster: makeCluster({ title: 'Slow page', size: 1, countsBySource: { manual: 1 } }),
      reports: [makeReport({ title: 'Slow page', body: 'It is slow.' })],
    });
    expect(plan.hypotheses).toEqual([
      'The reports describe one problem (`Slow page`); its cause is not located yet: reproduce it first.',
    ]);
    expect(plan.steps[0]).toBe(
      'Reproduce the problem the reports below describe, ideally as a failing test.',
    );
  });

  it('treats a repository that cannot be listed like no repository', async () => {
    const broken: RepositorySnapshot = {
      commit: 'x',
      branch: 'main',
      files: async () => {
        throw new Error('git died');
      },
      read: async () => null,
      search: async () => [],
    };
    const plan = await offlinePlanner().plan({
      cluster: makeCluster(),
      reports: reports(),
      repository: broken,
    });
    expect(plan.risk).toBe('high');
    expect(plan.summary).toMatch(/could not be read/);
  });

  it('finds files from report words alone, with a medium or high risk', async () => {
    const { snapshot, searches } = memorySnapshot(SHOP);
    const words = [
      makeReport({
        title: 'Apply coupon does nothing',
        body: 'The "Apply coupon" button at checkout does nothing.',
      }),
      makeReport({ title: 'coupon not applied', body: 'apply_coupon seems to ignore my code at checkout' }),
    ];
    const plan = await offlinePlanner().plan({
      cluster: makeCluster({ size: 2, countsBySource: { manual: 2 } }),
      reports: words,
      repository: snapshot,
    });
    expect(searches[0]).toEqual(
      expect.arrayContaining(['apply_coupon', 'Apply coupon', 'coupon', 'checkout']),
    );
    expect(plan.candidateFiles[0]?.path).toBe('shop/coupons.py');
    expect(plan.candidateFiles.map((f) => f.path)).toContain('shop/templates/cart.html');
    expect(plan.candidateFiles.map((f) => f.path)).not.toContain('docs/index.md');
    expect(['medium', 'high']).toContain(plan.risk);
    expect(plan.hypotheses.some((h) => h.includes('`shop/coupons.py`'))).toBe(true);
  });

  it('keeps the cap on candidate files', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 20; i++) many[`pkg/coupon_${i}.py`] = 'coupon checkout coupon\n';
    const { snapshot } = memorySnapshot(many);
    const plan = await offlinePlanner({ maxCandidates: 5 }).plan({
      cluster: makeCluster(),
      reports: reports(),
      repository: snapshot,
    });
    expect(plan.candidateFiles).toHaveLength(5);
  });
});
