import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InternalTokens } from './internal-token.js';
import { deriveKey } from './secret-box.js';

const KEY = 'a-secrets-key-of-at-least-32-characters';
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A token signed exactly as the server signs, around claims of the test's choosing. */
function signed(claims: unknown, key = KEY): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const sig = createHmac('sha256', deriveKey(key, 'internal-credentials')).update(body).digest('base64url');
  return `fli_${body}.${sig}`;
}

describe('InternalTokens', () => {
  const tokens = new InternalTokens(KEY);

  it('issues a prefixed token whose claims verify until it expires', () => {
    const token = tokens.issue('acme', 'ingest:reddit', 300, NOW);
    expect(token).toMatch(/^fli_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(InternalTokens.looksInternal(token)).toBe(true);
    const claims = { projectId: 'acme', scope: 'ingest:reddit', exp: NOW / 1000 + 300 };
    expect(tokens.verify(token, NOW)).toEqual(claims);
    expect(tokens.verify(token, NOW + 300_000)).toEqual(claims);
    expect(tokens.verify(token, NOW + 300_001)).toBeNull();
    expect(new InternalTokens(KEY).verify(token, NOW)).toEqual(claims);
  });

  it('refuses tokens of another key, altered tokens and non-tokens', () => {
    const token = tokens.issue('acme', 'ingest:reddit', 300, NOW);
    const [body, sig] = token.slice(4).split('.') as [string, string];
    expect(new InternalTokens(`${KEY}-rotated`).verify(token, NOW)).toBeNull();
    const otherBody = Buffer.from(
      JSON.stringify({ projectId: 'evil', scope: 'ingest:reddit', exp: 4e9 }),
    ).toString('base64url');
    expect(tokens.verify(`fli_${otherBody}.${sig}`, NOW)).toBeNull();
    expect(tokens.verify(`fli_${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`, NOW)).toBeNull();
    expect(tokens.verify(`fli_${body}`, NOW)).toBeNull();
    expect(tokens.verify(`${body}.${sig}`, NOW)).toBeNull();
    expect(tokens.verify('fli_', NOW)).toBeNull();
    expect(InternalTokens.looksInternal('fl_abc')).toBe(false);
  });

  it('refuses well-signed claims of the wrong shape', () => {
    expect(
      tokens.verify(signed({ projectId: 'acme', scope: 'ingest:reddit', exp: 4e9 }), NOW),
    ).not.toBeNull();
    expect(tokens.verify(signed({ projectId: 'acme', scope: 'admin', exp: 4e9 }), NOW)).toBeNull();
    expect(tokens.verify(signed({ projectId: 7, scope: 'ingest:reddit', exp: 4e9 }), NOW)).toBeNull();
    expect(tokens.verify(signed({ projectId: 'acme', scope: 'ingest:reddit', exp: '4e9' }), NOW)).toBeNull();
    expect(tokens.verify(signed({ projectId: 'acme', scope: 'ingest:reddit' }), NOW)).toBeNull();
    expect(tokens.verify(signed(null), NOW)).toBeNull();
    const garbage = Buffer.from('not json').toString('base64url');
    const sig = createHmac('sha256', deriveKey(KEY, 'internal-credentials'))
      .update(garbage)
      .digest('base64url');
    expect(tokens.verify(`fli_${garbage}.${sig}`, NOW)).toBeNull();
  });
});
