import { tokenizeReport } from '../lexical/tokenize.js';

const MARKUP = /\{(?:code|noformat|quote|panel)[^}]*\}|```\w*|^[ \t]*[#>*+-]+[ \t]+|\*\*|__/gm;
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z0-9"'(])/;
const CODE_LIKE = /^\s*at\s+[\w$.]+\(|[{};=<>]{2,}|^\S+$/;
const USER_AGENT = /Mozilla\/\d|User[- ]Agent:/i;

/** Prose sentences of a report body: markup stripped, one sentence per line or per full stop. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.replace(MARKUP, ' ').split(/\r?\n/)) {
    for (const sentence of line.split(SENTENCE_END)) {
      const s = sentence.replace(/\s+/g, ' ').trim();
      if (s) out.push(s);
    }
  }
  return out;
}

export interface QuoteOptions {
  /** Quotes wanted (default 2). */
  count?: number;
  /** Shortest sentence worth quoting, in characters (default 20). */
  minLength?: number;
  /** Longer sentences are cut at a word boundary and end with "…" (default 160). */
  maxLength?: number;
}

/**
 * Representative quotes: from each text in the order given (most central first), the prose sentence
 * with the most `keyTerms` (the earliest on a tie), one per text, skipping repeats, until `count`.
 * Code, stack frames and user-agent lines are never quoted.
 */
export function representativeQuotes(
  texts: readonly string[],
  keyTerms: readonly string[],
  options: QuoteOptions = {},
): string[] {
  const count = options.count ?? 2;
  const minLength = options.minLength ?? 20;
  const maxLength = options.maxLength ?? 160;
  const keys = new Set(keyTerms);
  const quotes: string[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    if (quotes.length >= count) break;
    let best: string | null = null;
    let bestScore = -1;
    for (const sentence of splitSentences(text)) {
      if (sentence.length < minLength || CODE_LIKE.test(sentence) || USER_AGENT.test(sentence)) continue;
      if (sentence.split(' ').length < 4) continue;
      const score = new Set(tokenizeReport(sentence).filter((t) => keys.has(t))).size;
      if (score > bestScore) {
        best = sentence;
        bestScore = score;
      }
    }
    if (best === null) continue;
    const quote = shorten(best, maxLength);
    const key = quote.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    quotes.push(quote);
  }
  return quotes;
}

function shorten(sentence: string, maxLength: number): string {
  if (sentence.length <= maxLength) return sentence;
  const cut = sentence.slice(0, maxLength - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxLength / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}
