import { join } from 'node:path';
import type { RepositorySnapshot } from '@fixloop/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepositoryReader } from './git-repository-reader.js';
import { type LocalRepo, makeRepo } from './test-repos.js';

let repo: LocalRepo;
let snap: RepositorySnapshot;

beforeAll(async () => {
  repo = makeRepo({
    'README.md': 'A shop. Coupons are applied at checkout.\n',
    'shop/cart.py': [
      'from shop.coupons import apply_coupon',
      '',
      'def total(cart):',
      '    subtotal = sum(i.price for i in cart.items)',
      '    return apply_coupon(subtotal, cart.coupon)  # checkout total',
    ].join('\n'),
    'shop/coupons.py': [
      'class CouponError(Exception):',
      '    pass',
      '',
      'def apply_coupon(amount, coupon):',
      '    if coupon is None:',
      '        raise CouponError("no coupon")',
      `    return amount - coupon.discount  ${'x'.repeat(300)}`,
    ].join('\n'),
    'shop/discounting.py': 'discount = 1  # discoupons and couponing are not matches\n',
    'web/applyCoupon.ts':
      'export function applyCoupon(couponCode: string) { return COUPON_CODES[couponCode]; }\n',
    'node_modules/lib/coupon.js': 'coupon checkout coupon checkout\n',
    'dist/app.js': 'coupon checkout\n',
    'static/app.min.js': 'coupon checkout\n',
    'package-lock.json': '{"coupon": "checkout"}\n',
    'assets/logo.bin': Buffer.concat([Buffer.from('coupon checkout'), Buffer.from([0, 1, 2])]),
    'big.txt': `coupon\n${'y'.repeat(600 * 1024)}`,
    'docs/inside.md': { link: '../README.md' },
    'docs/outside.md': { link: '../../../../etc/passwd' },
    'docs/absolute.md': { link: '/etc/passwd' },
  });
  const reader = new GitRepositoryReader({ cacheDir: join(repo.root, 'cache') });
  snap = await reader.snapshot('p', { owner: 'acme', name: 'shop', url: repo.url });
});
afterAll(() => repo.remove());

describe('GitSnapshot.files and read', () => {
  it('lists tracked files only', async () => {
    const files = await snap.files();
    expect(files).toContain('shop/cart.py');
    expect(files).toContain('docs/inside.md');
    expect(files).not.toContain('.git/HEAD');
  });

  it('reads tracked text files', async () => {
    expect(await snap.read('README.md')).toBe('A shop. Coupons are applied at checkout.\n');
    expect(await snap.read('./shop//cart.py')).toContain('def total(cart):');
    expect(await snap.read('nope.py')).toBeNull();
  });

  it('refuses paths that leave the repository', async () => {
    for (const path of ['../origin/README.md', 'shop/../../x', '/etc/passwd', '.git/config', 'C:/x']) {
      expect(await snap.read(path)).toBeNull();
    }
  });

  it('follows a symlink inside the repository and refuses one that points out', async () => {
    expect(await snap.read('docs/inside.md')).toContain('A shop.');
    expect(await snap.read('docs/outside.md')).toBeNull();
    expect(await snap.read('docs/absolute.md')).toBeNull();
  });

  it('refuses binary and oversized files', async () => {
    expect(await snap.read('assets/logo.bin')).toBeNull();
    expect(await snap.read('big.txt')).toBeNull();
  });
});

describe('GitSnapshot.search', () => {
  it('ranks files by distinct terms matched, then by hits', async () => {
    const hits = await snap.search(['coupon', 'checkout'], 10);
    expect(hits.map((h) => h.path)).toEqual([
      'shop/cart.py',
      'README.md',
      'shop/coupons.py',
      'web/applyCoupon.ts',
    ]);
    expect(hits[0]?.hits).toEqual({ coupon: 4, checkout: 1 });
    expect(hits[2]?.hits).toEqual({ coupon: 7 });
  });

  it('matches whole words case-insensitively, across snake_case and camelCase, with plurals', async () => {
    const [hit] = await snap
      .search(['COUPON'], 10)
      .then((h) => h.filter((x) => x.path === 'web/applyCoupon.ts'));
    expect(hit?.hits).toEqual({ COUPON: 4 });
    const readme = (await snap.search(['coupon'], 10)).find((h) => h.path === 'README.md');
    expect(readme?.hits).toEqual({ coupon: 1 });
    const paths = (await snap.search(['coupon'], 10)).map((h) => h.path);
    expect(paths).not.toContain('shop/discounting.py');
  });

  it('skips vendored, generated, lock, binary and oversized files', async () => {
    const paths = (await snap.search(['coupon', 'checkout'], 50)).map((h) => h.path);
    for (const skipped of [
      'node_modules/lib/coupon.js',
      'dist/app.js',
      'static/app.min.js',
      'package-lock.json',
      'assets/logo.bin',
      'big.txt',
    ]) {
      expect(paths).not.toContain(skipped);
    }
  });

  it('samples up to three matching lines, trimmed and bounded', async () => {
    const hits = await snap.search(['CouponError', 'apply_coupon', 'discount'], 10);
    const coupons = hits.find((h) => h.path === 'shop/coupons.py');
    expect(coupons?.lines).toEqual([
      { line: 1, text: 'class CouponError(Exception):' },
      { line: 4, text: 'def apply_coupon(amount, coupon):' },
      { line: 7, text: expect.stringMatching(/^return amount - coupon\.discount {2}x+…$/) },
    ]);
    expect(coupons?.lines[2]?.text.length).toBe(200);
  });

  it('answers at most `limit` hits, and nothing for no usable terms', async () => {
    expect(await snap.search(['coupon'], 2)).toHaveLength(2);
    expect(await snap.search(['', 'x'], 5)).toEqual([]);
  });

  it('scans no more than its budget', async () => {
    const reader = new GitRepositoryReader({
      cacheDir: join(repo.root, 'cache-small'),
      limits: { maxSearchFiles: 2 },
    });
    const small = await reader.snapshot('p', { owner: 'acme', name: 'shop', url: repo.url });
    // Source files first, shallow paths first: shop/cart.py and shop/coupons.py.
    expect((await small.search(['coupon'], 10)).map((h) => h.path).sort()).toEqual([
      'shop/cart.py',
      'shop/coupons.py',
    ]);
  });
});
