import type { SearchHit, SearchLine } from '@fixloop/domain';

const MAX_TERMS = 32;
const MAX_TERM_LENGTH = 100;
const SAMPLE_LINES = 3;
const SAMPLE_CHARS = 200;

/** The search terms, prepared once: deduplicated case-insensitively, with a quick any-term test. */
export interface TermSet {
  /** Each term as the caller spelled it, and its ASCII-lowercased form. */
  terms: Array<{ term: string; lower: string }>;
  any: RegExp;
}

/** Lowercases A–Z only, so every index in the result matches the same index in the input. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function prepareTerms(terms: readonly string[]): TermSet | null {
  const seen = new Set<string>();
  const out: TermSet['terms'] = [];
  for (const raw of terms) {
    const term = raw.trim();
    const lower = asciiLower(term);
    if (term.length < 2 || term.length > MAX_TERM_LENGTH || /[\r\n]/.test(term) || seen.has(lower)) continue;
    seen.add(lower);
    out.push({ term, lower });
    if (out.length >= MAX_TERMS) break;
  }
  if (out.length === 0) return null;
  const alternatives = out.map((t) => t.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return { terms: out, any: new RegExp(alternatives, 'i') };
}

const ALNUM = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER_OR_DIGIT = /[\p{Ll}\p{N}]/u;

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && ALNUM.test(c);
}

/** A term starts a word: at a non-alphanumeric boundary, or at a camelCase hump (`applyCoupon`). */
function startsWord(text: string, i: number): boolean {
  const prev = text[i - 1];
  if (!isAlnum(prev) || !isAlnum(text[i])) return true;
  return UPPER.test(text[i] ?? '') && LOWER_OR_DIGIT.test(prev ?? '');
}

/** A word ends at `j`: a non-alphanumeric character, the end, or a camelCase hump (`couponCode`). */
function endsWordAt(text: string, j: number): boolean {
  const next = text[j];
  if (!isAlnum(next) || !isAlnum(text[j - 1])) return true;
  return UPPER.test(next ?? '') && !UPPER.test(text[j - 1] ?? '');
}

/** The term's end is a word end, allowing a plural `s`/`es` (`coupon` matches `coupons`). */
function endsWord(text: string, j: number): boolean {
  if (endsWordAt(text, j)) return true;
  if (text[j] === 's' && endsWordAt(text, j + 1)) return true;
  return text[j] === 'e' && text[j + 1] === 's' && endsWordAt(text, j + 2);
}

/**
 * Counts each term in a text, case-insensitively and whole-word-ish: a term must start and end at
 * a word boundary, where `_`, punctuation and camelCase humps count as boundaries. Answers null
 * when no term occurs; otherwise the counts and up to three matching lines (the first line of
 * each term, in file order), trimmed and bounded.
 */
export function scanText(
  text: string,
  set: TermSet,
): { hits: Record<string, number>; lines: SearchLine[] } | null {
  if (!set.any.test(text)) return null;
  const lower = asciiLower(text);
  const hits: Record<string, number> = {};
  const firsts: number[] = [];
  for (const { term, lower: needle } of set.terms) {
    let count = 0;
    let first = -1;
    for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
      if (!startsWord(text, i) || !endsWord(text, i + needle.length)) continue;
      count++;
      if (first === -1) first = i;
    }
    if (count > 0) {
      hits[term] = count;
      firsts.push(first);
    }
  }
  if (firsts.length === 0) return null;
  return { hits, lines: sampleLines(text, firsts) };
}

function sampleLines(text: string, positions: number[]): SearchLine[] {
  const lines: SearchLine[] = [];
  let line = 1;
  let counted = 0;
  let lastStart = -1;
  for (const pos of [...positions].sort((a, b) => a - b)) {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
      line++;
      counted = i + 1;
    }
    const start = text.lastIndexOf('\n', pos - 1) + 1;
    if (start === lastStart) continue;
    lastStart = start;
    const end = text.indexOf('\n', pos);
    const whole = text.slice(start, end === -1 ? undefined : end).trim();
    lines.push({ line, text: whole.length > SAMPLE_CHARS ? `${whole.slice(0, SAMPLE_CHARS - 1)}…` : whole });
    if (lines.length >= SAMPLE_LINES) break;
  }
  return lines;
}

/** Minified or generated text: long and with very few line breaks. */
export function looksMinified(text: string): boolean {
  if (text.length < 5_000) return false;
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
  return text.length / (breaks + 1) > 500;
}

/** Most distinct terms first, then most hits, then by path. */
export function rankHits(hits: SearchHit[]): SearchHit[] {
  const total = (h: SearchHit) => Object.values(h.hits).reduce((a, b) => a + b, 0);
  return [...hits].sort(
    (a, b) =>
      Object.keys(b.hits).length - Object.keys(a.hits).length ||
      total(b) - total(a) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
