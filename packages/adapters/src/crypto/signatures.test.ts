import { describe, expect, it } from 'vitest';
import { hexHmac, verifyGithubSignature, verifyHexHmac } from './signatures.js';

// Published test vectors: RFC 4231-style HMAC-SHA256 of the pangram, and GitHub's own example from
// "Validating webhook deliveries".
const FOX = 'The quick brown fox jumps over the lazy dog';
const FOX_HMAC = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';
const GITHUB_SECRET = "It's a Secret to Everybody";
const GITHUB_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('hexHmac', () => {
  it('is HMAC-SHA256 in lowercase hex', () => {
    expect(hexHmac('key', FOX)).toBe(FOX_HMAC);
    expect(hexHmac('key', Buffer.from(FOX))).toBe(FOX_HMAC);
  });
});

describe('verifyHexHmac (Sentry-Hook-Signature)', () => {
  const raw = Buffer.from(FOX);

  it('accepts the signature of exactly these bytes, in either hex case', () => {
    expect(verifyHexHmac('key', raw, FOX_HMAC)).toBe(true);
    expect(verifyHexHmac('key', raw, FOX_HMAC.toUpperCase())).toBe(true);
  });

  it('refuses another secret, other bytes, and anything that is not 64 hex digits', () => {
    expect(verifyHexHmac('other', raw, FOX_HMAC)).toBe(false);
    expect(verifyHexHmac('key', Buffer.from(`${FOX}.`), FOX_HMAC)).toBe(false);
    expect(verifyHexHmac('key', raw, undefined)).toBe(false);
    expect(verifyHexHmac('key', raw, '')).toBe(false);
    expect(verifyHexHmac('key', raw, FOX_HMAC.slice(0, 63))).toBe(false);
    expect(verifyHexHmac('key', raw, `${FOX_HMAC}00`)).toBe(false);
    expect(verifyHexHmac('key', raw, 'z'.repeat(64))).toBe(false);
    expect(verifyHexHmac('key', raw, `sha256=${FOX_HMAC}`)).toBe(false);
  });
});

describe('verifyGithubSignature (X-Hub-Signature-256)', () => {
  const raw = Buffer.from('Hello, World!');

  it("accepts GitHub's documented example", () => {
    expect(verifyGithubSignature(GITHUB_SECRET, raw, GITHUB_SIGNATURE)).toBe(true);
  });

  it('needs the sha256= prefix and the right secret and body', () => {
    const hex = GITHUB_SIGNATURE.slice('sha256='.length);
    expect(verifyGithubSignature(GITHUB_SECRET, raw, hex)).toBe(false);
    expect(verifyGithubSignature(GITHUB_SECRET, raw, `sha1=${hex}`)).toBe(false);
    expect(verifyGithubSignature(GITHUB_SECRET, raw, undefined)).toBe(false);
    expect(verifyGithubSignature('wrong', raw, GITHUB_SIGNATURE)).toBe(false);
    expect(verifyGithubSignature(GITHUB_SECRET, Buffer.from('Hello, World?'), GITHUB_SIGNATURE)).toBe(false);
  });
});
