import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time check of a hex HMAC-SHA256 of `raw` (Sentry's `Sentry-Hook-Signature`). */
export function verifyHexHmac(secret: string, raw: Buffer, signatureHex: string | undefined): boolean {
  if (!signatureHex || !/^[0-9a-fA-F]{64}$/.test(signatureHex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'));
}

/** GitHub's `X-Hub-Signature-256: sha256=<hex>`. */
export function verifyGithubSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  return verifyHexHmac(secret, raw, header.slice('sha256='.length));
}

export function hexHmac(secret: string, raw: Buffer | string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}
