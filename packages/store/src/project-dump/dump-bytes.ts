import type { DumpBytes } from '@fixloop/contracts';

// fatal: invalid UTF-8 goes to base64 rather than being replaced; ignoreBOM: a leading BOM is kept.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes for a dump: their text when they are valid UTF-8 (most keys and values), else base64. */
export function encodeBytes(bytes: Buffer): DumpBytes {
  try {
    return utf8.decode(bytes);
  } catch {
    return { b64: bytes.toString('base64') };
  }
}

/** The bytes a dump wrote with `encodeBytes`. */
export function decodeBytes(value: DumpBytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.b64, 'base64');
}

/** A key for messages: its text, or its base64 when it is not text. */
export function showKey(key: Buffer): string {
  const v = encodeBytes(key);
  return typeof v === 'string' ? JSON.stringify(v) : `base64:${v.b64}`;
}
