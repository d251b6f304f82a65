/**
 * Reading the loosely typed values the seed (Python) backend wrote: timestamps as ISO strings with
 * or without an offset or as epoch numbers, JSON text that may not parse, statuses by other names.
 */

const YEAR_MIN = Date.UTC(1990, 0, 1);
const YEAR_MAX = Date.UTC(2100, 0, 1);
const ISO_LIKE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A legacy timestamp as ISO 8601 UTC, or undefined when absent or unreadable. Numbers are epoch
 * seconds, milliseconds, microseconds or nanoseconds (told apart by magnitude); an ISO string
 * without an offset is UTC (Python's `datetime.utcnow().isoformat()`).
 */
export function parseLegacyTime(raw: string | number | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const s = String(raw).trim();
  if (s === '') return undefined;
  let ms: number;
  if (/^-?\d+(?:\.\d+)?$/.test(s)) {
    const n = Number(s);
    const abs = Math.abs(n);
    ms = abs >= 1e17 ? n / 1e6 : abs >= 1e14 ? n / 1e3 : abs >= 1e11 ? n : n * 1000;
  } else {
    const m = ISO_LIKE.exec(s);
    if (m) {
      const [, date, hm, sec, frac, zone] = m;
      const fraction = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : '';
      let offset = zone ?? 'Z';
      if (offset === 'z') offset = 'Z';
      if (/^[+-]\d{2}$/.test(offset)) offset = `${offset}:00`;
      if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
      ms = Date.parse(`${date}T${hm ?? '00:00'}:${sec ?? '00'}${fraction}${offset}`);
    } else {
      ms = Date.parse(s);
    }
  }
  if (!Number.isFinite(ms) || ms < YEAR_MIN || ms > YEAR_MAX) return undefined;
  return new Date(Math.round(ms)).toISOString();
}

/** JSON text parsed, or `undefined` when it is not JSON. */
export function parseJson(raw: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    return undefined;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An absolute http(s) URL of at most 2,048 characters, else undefined. */
export function httpUrl(raw: string | undefined): string | undefined {
  const s = raw?.trim();
  if (!s || s.length > 2_048) return undefined;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Text without NUL characters (the store refuses them); says whether any were removed. */
export function withoutNul(s: string): { text: string; changed: boolean } {
  if (!s.includes('\u0000')) return { text: s, changed: false };
  return { text: s.replaceAll('\u0000', ''), changed: true };
}

/** A lowercase status word with spaces and dashes as underscores (`In Progress` → `in_progress`). */
export function statusWord(raw: string | undefined): string {
  return (raw ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}
