/** Stack frame locations resolved to repository files by their longest matching path suffix. */

/** File stems that stand for their directory as a module (`shop/cart/__init__.py` is `shop.cart`). */
const PACKAGE_FILES = new Set(['__init__', 'index', 'mod', 'main']);

export interface PathMatch {
  path: string;
  /** Path segments the frame and the file share, from the end. */
  segments: number;
}

/** The repository's files indexed by base name and by module stem. */
export class PathIndex {
  private readonly byBase = new Map<string, string[]>();
  private readonly byStem = new Map<string, Array<{ path: string; parts: string[] }>>();

  constructor(files: Iterable<string>) {
    for (const path of files) {
      const parts = path.split('/');
      const base = parts[parts.length - 1] ?? '';
      push(this.byBase, base, path);
      const stem = [...parts.slice(0, -1), base.replace(/\.[^.]+$/, '')];
      if (PACKAGE_FILES.has(stem[stem.length - 1] ?? '') && stem.length > 1) stem.pop();
      push(this.byStem, (stem[stem.length - 1] ?? '').toLowerCase(), { path, parts: stem });
    }
  }

  /** A frame's file name (`/srv/shop/views.py`, `webpack://app/./src/cart.js`) as a repository file. */
  matchFilename(filename: string): PathMatch | null {
    const parts = filenameParts(filename);
    if (!parts) return null;
    const candidates = (this.byBase.get(parts[parts.length - 1] ?? '') ?? []).map((path) => ({
      path,
      parts: path.split('/'),
    }));
    return best(parts, candidates, false);
  }

  /** A frame's module (`shop.cart`, `app/components/Cart`, `com.acme.Cart`) as a repository file. */
  matchModule(module: string): PathMatch | null {
    const parts = module
      .split(/::|[./\\:]/)
      .filter((p) => p !== '' && p !== '<module>')
      .slice(-20);
    if (parts.length === 0 || parts.some((p) => !/^[\w$-]+$/.test(p))) return null;
    const last = (parts[parts.length - 1] ?? '').toLowerCase();
    return best(parts, this.byStem.get(last) ?? [], true);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A frame file name's path segments: scheme and host, query, drive letter and `.`/`..` dropped. */
export function filenameParts(filename: string): string[] | null {
  const s = filename.trim();
  if (s === '' || s.startsWith('<') || /^(?:node|internal|native):/.test(s)) return null;
  const path = s
    .replace(/[?#].*$/, '')
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:/, '');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.' && p !== '..' && p !== '~');
  return parts.length > 0 ? parts : null;
}

function sharedSuffix(a: string[], b: string[], caseless: boolean): number {
  let n = 0;
  while (n < a.length && n < b.length) {
    const x = a[a.length - 1 - n] as string;
    const y = b[b.length - 1 - n] as string;
    if (caseless ? x.toLowerCase() !== y.toLowerCase() : x !== y) break;
    n++;
  }
  return n;
}

/**
 * The candidate sharing the longest suffix with `wanted`. A match on the last segment alone must be
 * the only file of that name (`index.js` alone says nothing); ties go to the shortest path.
 */
function best(
  wanted: string[],
  candidates: Array<{ path: string; parts: string[] }>,
  caseless: boolean,
): PathMatch | null {
  let top: PathMatch | null = null;
  let ties = 0;
  for (const c of candidates) {
    const segments = sharedSuffix(wanted, c.parts, caseless);
    if (segments === 0) continue;
    if (!top || segments > top.segments) {
      top = { path: c.path, segments };
      ties = 1;
    } else if (segments === top.segments) {
      ties++;
      if (c.path.length < top.path.length) top = { path: c.path, segments };
    }
  }
  if (!top || (top.segments === 1 && ties > 1)) return null;
  return top;
}
