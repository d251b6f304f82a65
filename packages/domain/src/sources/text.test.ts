import { BODY_MAX, TITLE_MAX } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { boundBody, boundTitle, toIso } from './text.js';

describe('boundTitle / boundBody', () => {
  it('trims and treats null and undefined as empty', () => {
    expect(boundTitle('  a title \n')).toBe('a title');
    expect(boundTitle(null)).toBe('');
    expect(boundTitle(undefined)).toBe('');
    expect(boundBody('\t body  ')).toBe('body');
    expect(boundBody(null)).toBe('');
  });

  it('keeps text at the limit and cuts longer text with an ellipsis, within the limit', () => {
    const exact = 't'.repeat(TITLE_MAX);
    expect(boundTitle(exact)).toBe(exact);
    const long = boundTitle(`  ${'t'.repeat(TITLE_MAX + 50)}  `);
    expect(long).toHaveLength(TITLE_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(long.slice(0, -1)).toBe('t'.repeat(TITLE_MAX - 1));

    expect(boundBody('b'.repeat(BODY_MAX))).toHaveLength(BODY_MAX);
    const body = boundBody('b'.repeat(BODY_MAX + 1));
    expect(body).toHaveLength(BODY_MAX);
    expect(body.at(-1)).toBe('…');
  });
});

describe('toIso', () => {
  it('reads epoch seconds (Reddit) and ISO strings with offsets as UTC', () => {
    expect(toIso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(toIso(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(toIso(1_700_000_000.5)).toBe('2023-11-14T22:13:20.500Z');
    expect(toIso('2024-03-01T10:00:00+02:00')).toBe('2024-03-01T08:00:00.000Z');
    expect(toIso('2024-03-01T10:00:00Z')).toBe('2024-03-01T10:00:00.000Z');
  });

  it('answers undefined for absent, unparsable, negative or out-of-range values', () => {
    for (const v of [null, undefined, 'yesterday', '', Number.NaN, -1, 1e300, '1969-12-31T23:59:59Z']) {
      expect(toIso(v as number | string | null | undefined), String(v)).toBeUndefined();
    }
  });
});
