/** A name from the reports worth looking for in the code. */
export interface Identifier {
  text: string;
  kind: 'error' | 'identifier' | 'quoted';
  /** Reports that mention it. */
  reports: number;
}

const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
const ERROR_NAME = /(?<![\w.$])([A-Z][A-Za-z0-9]*(?:Error|Exception|Fault|Panic))(?![\w$])/g;
// getFileStatus, CheckoutForm: a lowercase letter followed by an uppercase one, two humps at least.
const CAMEL = /(?<![\w$])[A-Za-z][a-z0-9]+(?:[A-Z][a-z0-9]*)+(?![\w$])/g;
const SNAKE = /(?<![\w$])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w$])/g;
// shop.cart, order.total, views.py: dotted names whose parts start with a letter.
const DOTTED = /(?<![\w$.])[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)+(?![\w$])/g;
const QUOTED = /(?<![\w])(?:"([^"\n]{2,40})"|“([^”\n]{2,40})”|'([^'\n]{2,40})'|`([^`\n]{2,60})`)(?![\w])/g;

/** Brand and platform names that look like identifiers but never name code. */
const NOT_CODE = new Set([
  'javascript',
  'typescript',
  'github',
  'gitlab',
  'youtube',
  'iphone',
  'ipad',
  'macos',
  'ios',
  'linkedin',
  'paypal',
  'postgresql',
  'mysql',
  'mongodb',
  'wordpress',
  'e.g',
  'i.e',
  'etc',
]);

function candidates(text: string): Array<{ text: string; kind: Identifier['kind'] }> {
  const clean = text.replace(URL, ' ');
  const out: Array<{ text: string; kind: Identifier['kind'] }> = [];
  for (const m of clean.matchAll(ERROR_NAME)) out.push({ text: m[1] as string, kind: 'error' });
  for (const re of [CAMEL, SNAKE, DOTTED]) {
    for (const m of clean.matchAll(re)) out.push({ text: m[0], kind: 'identifier' });
  }
  for (const m of clean.matchAll(QUOTED)) {
    const quoted = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    if (quoted.split(/\s+/).length <= 5 && /\p{L}/u.test(quoted) && !/[.!?]$/.test(quoted)) {
      out.push({ text: quoted, kind: 'quoted' });
    }
  }
  return out;
}

const KIND_ORDER: Record<Identifier['kind'], number> = { error: 0, identifier: 1, quoted: 2 };

/**
 * Salient identifiers in the reports: error class names, camelCase and snake_case names, dotted
 * names (`shop.cart`, `views.py`) and short quoted UI strings, with how many reports mention each.
 * Most-mentioned first; error names before identifiers before quotes on a tie.
 */
export function salientIdentifiers(texts: readonly string[], limit = 20): Identifier[] {
  const found = new Map<
    string,
    { spellings: Map<string, number>; kind: Identifier['kind']; reports: number }
  >();
  for (const text of texts) {
    const inThisReport = new Set<string>();
    for (const c of candidates(text)) {
      const key = c.text.toLowerCase();
      if (c.text.length < 3 || c.text.length > 80 || NOT_CODE.has(key)) continue;
      const entry = found.get(key) ?? { spellings: new Map(), kind: c.kind, reports: 0 };
      if (KIND_ORDER[c.kind] < KIND_ORDER[entry.kind]) entry.kind = c.kind;
      entry.spellings.set(c.text, (entry.spellings.get(c.text) ?? 0) + 1);
      if (!inThisReport.has(key)) {
        inThisReport.add(key);
        entry.reports++;
      }
      found.set(key, entry);
    }
  }
  return [...found.values()]
    .map((e) => ({
      text: [...e.spellings].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
      kind: e.kind,
      reports: e.reports,
    }))
    .sort(
      (a, b) =>
        b.reports - a.reports ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        b.text.length - a.text.length ||
        (a.text < b.text ? -1 : 1),
    )
    .slice(0, limit);
}
