import { describe, expect, it } from 'vitest';
import { filenameParts, PathIndex } from './frame-paths.js';
import { salientIdentifiers } from './identifiers.js';
import { recurringPhrases } from './phrases.js';
import { makeReport, memorySnapshot, sentryReport } from './planning-fixtures.js';
import { collectEvidence, sentryFrames } from './report-evidence.js';
import { planSearchTerms } from './search-terms.js';
import { detectValidationCommands } from './validation-commands.js';

describe('PathIndex', () => {
  const index = new PathIndex([
    'shop/views.py',
    'legacy/shop/views.py',
    'shop/cart.py',
    'billing/cart/__init__.py',
    'src/main/java/com/acme/Cart.java',
    'src/index.js',
    'lib/index.js',
    'web/src/checkout/Coupon.tsx',
  ]);

  it.each([
    ['/srv/app/shop/views.py', 'shop/views.py'],
    ['/srv/app/legacy/shop/views.py', 'legacy/shop/views.py'],
    ['C:\\app\\shop\\cart.py', 'shop/cart.py'],
    ['webpack://shop/./web/src/checkout/Coupon.tsx?abc', 'web/src/checkout/Coupon.tsx'],
    ['app:///static/js/checkout/Coupon.tsx', 'web/src/checkout/Coupon.tsx'],
    ['Cart.java', 'src/main/java/com/acme/Cart.java'],
  ])('matches the file name %s to %s', (filename, path) => {
    expect(index.matchFilename(filename)?.path).toBe(path);
  });

  it('refuses a bare name shared by several files, and non-files', () => {
    expect(index.matchFilename('index.js')).toBeNull();
    expect(index.matchFilename('/opt/app/src/index.js')?.path).toBe('src/index.js');
    expect(index.matchFilename('<anonymous>')).toBeNull();
    expect(index.matchFilename('node:internal/process')).toBeNull();
    expect(filenameParts('')).toBeNull();
  });

  it.each([
    ['shop.cart', 'shop/cart.py'],
    ['billing.cart', 'billing/cart/__init__.py'],
    ['com.acme.Cart', 'src/main/java/com/acme/Cart.java'],
    ['checkout/Coupon', 'web/src/checkout/Coupon.tsx'],
  ])('matches the module %s to %s', (module, path) => {
    expect(index.matchModule(module)?.path).toBe(path);
  });
});

describe('report evidence', () => {
  it('groups frames by location, counting reports and the distance from the innermost frame', () => {
    const frames = [
      { filename: 'a.py', function: 'outer', lineno: 1 },
      { filename: 'b.py', function: 'inner', lineno: 9 },
    ];
    const evidence = collectEvidence([
      sentryReport(frames, { type: 'KeyError' }),
      sentryReport(frames, { type: 'KeyError', value: "'x'" }),
      sentryReport([{ filename: 'b.py', function: 'inner', lineno: 10 }], { type: 'ValueError' }),
    ]);
    expect(evidence.frames.map((f) => [f.filename, f.reportIds.size, f.depth, f.lines])).toEqual([
      ['b.py', 3, 0, [9, 10]],
      ['a.py', 2, 1, [1]],
    ]);
    expect(evidence.exceptions).toEqual([
      { type: 'KeyError', value: "'x'", reports: 2 },
      { type: 'ValueError', reports: 1 },
    ]);
  });

  it('skips malformed frames: metadata is client input', () => {
    const item = makeReport({
      metadata: { sentry: { frames: [null, 'x', { lineno: 'ten' }, { filename: 'ok.py', lineno: -1 }] } },
    });
    expect(sentryFrames(item)).toEqual([{ filename: 'ok.py' }]);
    expect(sentryFrames(makeReport({ metadata: { sentry: 'nope' } }))).toEqual([]);
  });

  it('finds error names, identifiers, dotted names and quoted UI strings', () => {
    const ids = salientIdentifiers([
      'Got a CouponError in shop.cart when pressing "Apply coupon"; apply_coupon and applyCoupon fail. See https://x.io/a.b',
      'CouponError again on "Apply coupon" (GitHub, e.g. iPhone).',
    ]);
    expect(ids.slice(0, 2)).toEqual([
      { text: 'CouponError', kind: 'error', reports: 2 },
      { text: 'Apply coupon', kind: 'quoted', reports: 2 },
    ]);
    expect(ids.map((i) => i.text)).toEqual(
      expect.arrayContaining(['shop.cart', 'apply_coupon', 'applyCoupon']),
    );
    expect(ids.map((i) => i.text.toLowerCase())).not.toEqual(expect.arrayContaining(['github']));
    expect(ids.map((i) => i.text)).not.toContain('x.io');
  });

  it('finds phrases several reports share, longest first, skipping code', () => {
    const phrases = recurringPhrases(
      [
        'The coupon code field rejects my code.\nTypeError: cart total missing',
        'Every time the coupon code field is empty after reload.',
        'coupon code field broken.\nTypeError: cart total missing',
      ],
      2,
    );
    expect(phrases[0]).toEqual({ text: 'coupon code field', reports: 3 });
    expect(phrases.map((p) => p.text).join(' ')).not.toContain('cart total');
  });
});

describe('planSearchTerms', () => {
  it('searches specific names first and leaves out built-in errors and generic words', () => {
    const evidence = collectEvidence([
      sentryReport([{ filename: 'a.py', function: 'apply_discount' }], { type: 'KeyError', value: "'code'" }),
      makeReport({ title: 'CouponError on checkout', body: 'The coupon_code is rejected with CouponError.' }),
    ]);
    const { terms, strong } = planSearchTerms({ terms: ['coupon', 'error', 'checkout', 'the'] }, evidence);
    expect(terms).not.toContain('KeyError');
    expect(terms).not.toContain('error');
    expect(terms[0]).toBe('CouponError');
    expect(terms).toEqual(expect.arrayContaining(['coupon_code', 'apply_discount', 'coupon', 'checkout']));
    expect(strong.has('CouponError')).toBe(true);
    expect(strong.has('coupon')).toBe(false);
  });
});

describe('detectValidationCommands', () => {
  async function detect(files: Record<string, string>) {
    const { snapshot } = memorySnapshot(files);
    return detectValidationCommands(snapshot, new Set(Object.keys(files)));
  }

  it.each([
    [{ 'package.json': '{"scripts":{"test":"vitest","lint":"eslint ."}}' }, ['npm test', 'npm run lint']],
    [{ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' }, []],
    [{ 'package.json': 'not json' }, []],
    [{ 'pytest.ini': '[pytest]\n' }, ['pytest -q']],
    [{ 'pyproject.toml': '[tool.pytest.ini_options]\n' }, ['pytest -q']],
    [{ 'setup.cfg': '[metadata]\n', 'tests/test_x.py': '' }, ['pytest -q']],
    [{ 'pyproject.toml': '[project]\n' }, []],
    [{ 'go.mod': 'module x\n' }, ['go test ./...']],
    [{ 'Cargo.toml': '[package]\n' }, ['cargo test']],
    [{ Makefile: 'build:\n\tcc x.c\ntest: build\n\t./x\n' }, ['make test']],
    [{ Makefile: 'build:\n\tcc x.c\n' }, []],
    [{ 'README.md': '' }, []],
  ])('detects %j → %j', async (files, commands) => {
    expect(await detect(files)).toEqual(commands);
  });
});
