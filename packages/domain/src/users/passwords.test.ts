import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyDecoy, verifyPassword } from './passwords.js';

/** Cheap parameters keep these tests fast; the server's default is checked where it is stored. */
const FAST = { N: 1_024, r: 8, p: 1 };

describe('password hashes', () => {
  it('store the algorithm, its parameters, a salt and the key', async () => {
    const stored = await hashPassword('hunter2 hunter2', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(parsePasswordHash(stored)?.params).toEqual(FAST);
  });

  it('verify the right password only; the same password salts differently', async () => {
    const a = await hashPassword('correct horse', FAST);
    const b = await hashPassword('correct horse', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treat composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait', FAST);
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('refuse hashes that are not ours or ask for absurd work', async () => {
    const good = await hashPassword('x'.repeat(12), FAST);
    const [, , r, p, salt, key] = good.split('$');
    for (const bad of [
      '',
      'plain text',
      `bcrypt$1024$${r}$${p}$${salt}$${key}`,
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // not a power of two
      `scrypt$4194304$${r}$${p}$${salt}$${key}`, // 4 GiB of work
      `scrypt$1024$0$${p}$${salt}$${key}`,
      `scrypt$1024$${r}$${p}$${salt}$c2hvcnQ=`,
    ]) {
      expect(parsePasswordHash(bad), bad).toBeNull();
      expect(await verifyPassword('x'.repeat(12), bad)).toBe(false);
    }
  });

  it('spend the work of a real check on a decoy', async () => {
    expect(await verifyDecoy('anything', FAST)).toBe(false);
  });
});
