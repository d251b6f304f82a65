import { describe, expect, it } from 'vitest';
import { generateSecret, parseRepository, parseSubreddits } from './parse-inputs';

describe('parseRepository', () => {
  it('reads owner/name and GitHub addresses', () => {
    expect(parseRepository(' acme/web ')).toEqual({ owner: 'acme', name: 'web' });
    expect(parseRepository('https://github.com/acme/web.git')).toEqual({ owner: 'acme', name: 'web' });
    expect(parseRepository('github.com/acme/web/')).toEqual({ owner: 'acme', name: 'web' });
  });

  it('refuses anything else', () => {
    expect(parseRepository('acme')).toBeNull();
    expect(parseRepository('acme/web/issues')).toBeNull();
    expect(parseRepository('ac me/web')).toBeNull();
  });
});

describe('parseSubreddits', () => {
  it('splits on commas and spaces and drops r/', () => {
    expect(parseSubreddits('r/foo, /r/bar baz,,')).toEqual(['foo', 'bar', 'baz']);
    expect(parseSubreddits('  ')).toEqual([]);
  });
});

describe('generateSecret', () => {
  it('gives 64 hex digits, different each time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecret()).not.toBe(a);
  });
});
