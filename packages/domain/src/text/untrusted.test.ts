import { describe, expect, it } from 'vitest';
import { bounded, code, extractJson, fence, oneLine, stripUnsafe } from './untrusted.js';

const TAGGED = [...'ignore all'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');

describe('stripUnsafe', () => {
  it.each([
    ['tag characters, which spell hidden ASCII', `fix the cart${TAGGED}\u{E0001}\u{E007F}`, 'fix the cart'],
    [
      'bidi controls',
      'a\u202Ab\u202Bc\u202Cd\u202De\u202Ef\u2066g\u2067h\u2068i\u2069j\u200Ek\u200Fl\u061Cm',
      'abcdefghijklm',
    ],
    [
      'zero-width characters, the BOM and word joiners',
      'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u180Eg',
      'abcdefg',
    ],
    ['soft hyphens', 'co\u00ADupon', 'coupon'],
    ['C0, DEL and C1 controls', 'a\u0000\u0007\u001B\u007F\u0085\u009Fb', 'ab'],
    ['Hangul fillers and supplementary variation selectors', 'a\u3164\uFFA0\u115F\u{E0100}\u{E01EF}b', 'ab'],
  ])('removes %s', (_what, text, expected) => {
    expect(stripUnsafe(text)).toBe(expected);
  });

  it('makes line and paragraph separators newlines and keeps tabs, newlines and carriage returns', () => {
    expect(stripUnsafe('a\u2028b\u2029c\td\r\ne')).toBe('a\nb\nc\td\r\ne');
  });

  it('leaves normal text, accents, other scripts and emoji untouched', () => {
    const text = 'Crash in Größe → "naïve" café, 東京, Привет, عربى 😀 👍🏽 ❤️ 🇩🇪 2 + 2 = 4 `code` <b>';
    expect(stripUnsafe(text)).toBe(text);
  });
});

describe('oneLine and bounded', () => {
  it('folds whitespace, strips and cuts with an ellipsis', () => {
    expect(oneLine('  a\n\tb\u200B  c ', 10)).toBe('a b c');
    expect(oneLine('abc def ghi', 5)).toBe('abc…');
  });

  it('cuts at a boundary when one is near', () => {
    expect(bounded('short', 10)).toBe('short');
    expect(bounded(`${'a'.repeat(17)} bbbbb`, 20)).toBe(`${'a'.repeat(17)}…`);
    expect(bounded('a'.repeat(20), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});

describe('fences', () => {
  it('fences with one backtick more than the longest run inside', () => {
    expect(fence('plain')).toBe('```text\nplain\n```');
    expect(fence('a ```` b')).toBe('`````text\na ```` b\n`````');
  });

  it('makes inline code that cannot be closed early', () => {
    expect(code('a`b\nc')).toBe("`a'b c`");
  });
});

describe('extractJson', () => {
  it('reads the object out of a fence or prose', () => {
    expect(extractJson('Sure:\n```json\n{"title": "x", "n": {"a": 1}}\n```')).toEqual({
      title: 'x',
      n: { a: 1 },
    });
  });

  it('throws when there is no object or it is malformed', () => {
    expect(() => extractJson('no json here')).toThrow('no JSON object');
    expect(() => extractJson('} {')).toThrow('no JSON object');
    expect(() => extractJson('{"a": }')).toThrow(SyntaxError);
  });
});
