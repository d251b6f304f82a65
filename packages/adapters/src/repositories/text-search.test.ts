import { describe, expect, it } from 'vitest';
import { isSearchable, normalizeRepoPath, resolveLinkTarget } from './repo-paths.js';
import { looksMinified, prepareTerms, rankHits, scanText } from './text-search.js';

function count(text: string, term: string): number {
  const set = prepareTerms([term]);
  if (!set) throw new Error('no terms');
  return scanText(text, set)?.hits[term] ?? 0;
}

describe('scanText', () => {
  it.each([
    ['coupon', 1],
    ['Coupon', 1],
    ['COUPON_CODE', 1],
    ['apply_coupon', 1],
    ['applyCoupon', 1],
    ['couponCode', 1],
    ['coupons', 1],
    ['coupones', 1],
    ['discoupon', 0],
    ['couponing', 0],
    ['coupon2', 0],
    ['shop.coupon.apply', 1],
  ])('counts "coupon" in %s: %i', (text, n) => {
    expect(count(text, 'coupon')).toBe(n);
  });

  it('matches dotted and multi-word terms as written', () => {
    expect(count('from shop.cart import total', 'shop.cart')).toBe(1);
    expect(count('<button>Apply coupon</button>', 'apply coupon')).toBe(1);
  });

  it('answers the first line of each term, in file order, with line numbers', () => {
    const set = prepareTerms(['total', 'cart']);
    if (!set) throw new Error('no terms');
    const found = scanText('x\n  cart = 1\ny\ntotal(cart)\n', set);
    expect(found).toEqual({
      hits: { total: 1, cart: 2 },
      lines: [
        { line: 2, text: 'cart = 1' },
        { line: 4, text: 'total(cart)' },
      ],
    });
  });

  it('drops empty, duplicate and overlong terms', () => {
    expect(prepareTerms(['', 'a', 'Cart', 'cart', 'x'.repeat(200)])?.terms.map((t) => t.term)).toEqual([
      'Cart',
    ]);
    expect(prepareTerms([' '])).toBeNull();
  });

  it('ranks by distinct terms, then hits, then path', () => {
    const ranked = rankHits([
      { path: 'b', hits: { a: 9 }, lines: [] },
      { path: 'c', hits: { a: 1, b: 1 }, lines: [] },
      { path: 'a', hits: { a: 9 }, lines: [] },
    ]);
    expect(ranked.map((h) => h.path)).toEqual(['c', 'a', 'b']);
  });

  it('recognises minified text', () => {
    expect(looksMinified('a'.repeat(10_000))).toBe(true);
    expect(looksMinified('short line\n'.repeat(1_000))).toBe(false);
  });
});

describe('repository paths', () => {
  it('normalizes and refuses escaping paths', () => {
    expect(normalizeRepoPath('./a//b.py')).toBe('a/b.py');
    expect(normalizeRepoPath('a/../b')).toBeNull();
    expect(normalizeRepoPath('/abs')).toBeNull();
    expect(normalizeRepoPath('')).toBeNull();
  });

  it('resolves symlink targets inside the repository only', () => {
    expect(resolveLinkTarget('docs/a.md', '../README.md')).toBe('README.md');
    expect(resolveLinkTarget('docs/a.md', '../../x')).toBeNull();
    expect(resolveLinkTarget('a.md', '/etc/passwd')).toBeNull();
  });

  it('skips vendored, generated and lock files', () => {
    expect(isSearchable('src/app.ts')).toBe(true);
    expect(isSearchable('web/node_modules/x/index.js')).toBe(false);
    expect(isSearchable('build/out.js')).toBe(false);
    expect(isSearchable('a.min.js')).toBe(false);
    expect(isSearchable('yarn.lock')).toBe(false);
    expect(isSearchable('logo.png')).toBe(false);
  });
});
