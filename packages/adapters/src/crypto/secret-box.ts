import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretCipher } from '@fixloop/domain';

const VERSION = 'v1';

/** Derives a 32-byte key for one purpose from the operator's `SECRETS_KEY`. */
export function deriveKey(secretsKey: string, purpose: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(secretsKey, 'utf8'), Buffer.alloc(0), `fixloop:${purpose}`, 32),
  );
}

/** AES-256-GCM sealing of third-party tokens at rest: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export class AesGcmSecretBox implements SecretCipher {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = deriveKey(secretsKey, 'secrets-at-rest');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ct] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error('sealed secret has an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
