import { describe, expect, it } from 'vitest';
import { secretScrubber } from './secrets.js';

describe('secretScrubber', () => {
  it('hides each secret wherever it appears', () => {
    const scrub = secretScrubber(['ghs_abc123', undefined, '', 'sk-longer-ghs_abc123']);
    expect(scrub('token ghs_abc123 and ghs_abc123!')).toBe('token *** and ***!');
    expect(scrub('key sk-longer-ghs_abc123')).toBe('key ***');
    expect(scrub('nothing here')).toBe('nothing here');
  });

  it('hides the URL-encoded secret', () => {
    expect(secretScrubber(['gh/p+q=r'])('fatal: https://host/gh%2Fp%2Bq%3Dr')).toBe(
      'fatal: https://host/***',
    );
  });

  it('hides the Basic credentials git would send', () => {
    const basic = Buffer.from('x-access-token:ghs_abc123').toString('base64');
    expect(secretScrubber(['ghs_abc123'])(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic ***');
  });

  it('hides credentials in URLs even when they are not known secrets, on every line', () => {
    const scrub = secretScrubber([]);
    expect(scrub("fatal: unable to access 'https://user:pw@example.com/r.git/'")).toBe(
      "fatal: unable to access 'https://***@example.com/r.git/'",
    );
    expect(scrub('a ssh://git:x@h/r\nb HTTP://u:p@h/')).toBe('a ssh://***@h/r\nb HTTP://***@h/');
    expect(scrub('https://example.com/a@b')).toBe('https://example.com/a@b');
  });
});
