/**
 * Generated request values are plain JSON plus two markers, resolved only when the request is sent:
 * a `Ref` names a fixture (a real id of the world, which changes as the fuzz merges and deletes),
 * a `Raw` is JSON text written as is (deep nesting, 1e400, duplicate keys: what `JSON.stringify`
 * cannot produce).
 */

/** The fixtures a generated request may point at; `World` keeps their current values. */
export const REF_NAMES = [
  'project',
  'otherProject',
  'spareProject',
  'spareProjectName',
  'report',
  'report2',
  'cluster',
  'cluster2',
  'clusterJob',
  'job',
  'endedJob',
  'spareKeyId',
  'ownerUserId',
  'ownerEmail',
  'memberUserId',
  'memberEmail',
  'password',
] as const;
export type RefName = (typeof REF_NAMES)[number];
export type Refs = Record<RefName, string>;

export class Ref {
  constructor(readonly name: RefName) {}
}

export class Raw {
  constructor(readonly text: string) {}
}

/** A copy of `value` with every `Ref` replaced by its current value; own `__proto__` keys stay own keys. */
export function resolve(value: unknown, refs: Refs): unknown {
  if (value instanceof Ref) return refs[value.name];
  if (value instanceof Raw || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolve(v, refs));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: resolve((value as Record<string, unknown>)[key], refs),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** JSON text of a resolved value; `Raw` parts are written verbatim. */
export function renderJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(renderJson).join(',')}]`;
  const parts = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${renderJson((value as Record<string, unknown>)[k])}`);
  return `{${parts.join(',')}}`;
}

/** A string fit for a failure report: long texts are cut in the middle. */
export function preview(text: string, max = 300): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 30) / 2);
  return `${text.slice(0, half)}…(${text.length} chars)…${text.slice(-half)}`;
}

/** A short description of a generated value (markers shown as `$ref:name` and `raw(n chars)`). */
export function describeValue(value: unknown): string {
  const seen = (v: unknown): unknown => {
    if (v instanceof Ref) return `$ref:${v.name}`;
    if (v instanceof Raw) return `raw(${preview(v.text, 60)})`;
    if (typeof v === 'string') return preview(v, 80);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.length > 20 ? [...v.slice(0, 20).map(seen), `…${v.length}`] : v.map(seen);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, {
        value: seen((v as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return preview(JSON.stringify(seen(value)) ?? 'undefined', 400);
}

/** Sets `value` at `path` (creating nothing: the path exists in `root`); answers the new root. */
export function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const copy = { ...(root as Record<string, unknown>) };
  Object.defineProperty(copy, head, {
    value: setAt((root as Record<string, unknown>)[head], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/** `root` without the key at `path`. */
export function deleteAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = parentPath.reduce<unknown>(
    (node, k) => (node as Record<string | number, unknown>)[k],
    root,
  ) as Record<string, unknown>;
  const copy = { ...parent };
  delete copy[String(last)];
  return setAt(root, parentPath, copy);
}

/** Percent-encoding that never throws: lone surrogates become U+FFFD, as a browser would send them. */
export function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
