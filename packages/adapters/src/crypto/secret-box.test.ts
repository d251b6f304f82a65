import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox, deriveKey } from './secret-box.js';

const KEY = 'a-secrets-key-of-at-least-32-characters';

describe('deriveKey', () => {
  it('derives a stable 32-byte key per purpose', () => {
    const a = deriveKey(KEY, 'secrets-at-rest');
    expect(a).toHaveLength(32);
    expect(deriveKey(KEY, 'secrets-at-rest').equals(a)).toBe(true);
    expect(deriveKey(KEY, 'internal-credentials').equals(a)).toBe(false);
    expect(deriveKey(`${KEY}!`, 'secrets-at-rest').equals(a)).toBe(false);
  });
});

describe('AesGcmSecretBox', () => {
  const box = new AesGcmSecretBox(KEY);

  it('round-trips a secret through the v1 format, with a fresh IV each time', () => {
    const plain = 'ghp_🔑_token-with-ünïcode';
    const sealed = box.encrypt(plain);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('ghp_');
    expect(box.decrypt(sealed)).toBe(plain);
    expect(new AesGcmSecretBox(KEY).decrypt(sealed)).toBe(plain);
    const again = box.encrypt(plain);
    expect(again).not.toBe(sealed);
    expect(box.decrypt(again)).toBe(plain);
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('refuses another key, altered ciphertexts and unknown formats', () => {
    const sealed = box.encrypt('secret');
    const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
    // The first character: the last one of a base64url field may only carry padding bits.
    const flip = (s: string) => `${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    expect(() => new AesGcmSecretBox(`${KEY}!`).decrypt(sealed)).toThrow();
    expect(() => box.decrypt([v, iv, tag, flip(ct)].join('.'))).toThrow();
    expect(() => box.decrypt([v, iv, flip(tag), ct].join('.'))).toThrow();
    expect(() => box.decrypt([v, flip(iv), tag, ct].join('.'))).toThrow();
    expect(() => box.decrypt(['v2', iv, tag, ct].join('.'))).toThrow('sealed secret has an unknown format');
    expect(() => box.decrypt('plain-text-token')).toThrow('sealed secret has an unknown format');
  });
});
