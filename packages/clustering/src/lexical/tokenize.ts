import { ENGLISH_STOP_WORDS, REPORT_STOP_WORDS } from './stop-words.js';

/** Prefix of exception-signature terms, so they never collide with a plain word. */
export const SIGNATURE_PREFIX = 'sig:';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// `java.io.IOException`, `NullPointerException`, `TypeError: x is undefined`, `KeyError: 'id'`.
const SIGNATURE =
  /(?<![\w$.])(?:[A-Za-z_$][\w$]*\.)*([A-Z][\w$]*?(?:Exception|Error|Fault|Panic))(?![\w$])(?::[ \t]*([^\n\r]{0,160}))?/g;
// A word, an identifier, or a dotted path of them (`org.apache.Foo`, `FileSystem.java`, `dfs.replication`).
const CHUNK = /[\p{L}\p{N}_$]+(?:\.[\p{L}\p{N}_$]+)*/gu;
const CAMEL_LOWER_UPPER = /([\p{Ll}\p{N}])(\p{Lu})/gu;
const CAMEL_ACRONYM = /(\p{Lu}+)(\p{Lu}\p{Ll})/gu;
const HAS_LETTER = /\p{L}/u;
const MAX_TERM_LENGTH = 60;
const MESSAGE_WORDS = 6;

/** True for tokens that identify an instance rather than a topic: numbers, hex, ids, sizes. */
export function isNumberLike(token: string): boolean {
  if (!HAS_LETTER.test(token)) return true;
  if (/^0x[0-9a-f]+$/i.test(token)) return true;
  if (token.length >= 8 && /\d/.test(token) && /^[0-9a-f]+$/i.test(token)) return true;
  if (/^\d+(?:[a-z]{1,3})$/i.test(token)) return true; // 64mb, 10ms, 3rd
  let digits = 0;
  for (const ch of token) if (ch >= '0' && ch <= '9') digits++;
  return digits >= 5;
}

/** The parts of an identifier: `getFileStatus` → get, File, Status; `max_retries` → max, retries. */
export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(CAMEL_ACRONYM, '$1 $2')
    .replace(CAMEL_LOWER_UPPER, '$1 $2')
    .split(/[\s_$]+/)
    .filter((part) => part.length > 0);
}

/** Options of the report tokenizer. */
export interface TokenizeOptions {
  /** Stop words to drop (default: the report list). */
  stopWords?: ReadonlySet<string>;
  /** Emit `sig:` terms for exception and error names (default true). */
  signatures?: boolean;
  /** Stack frames kept at the top of each trace (default 3): deeper frames are framework noise. */
  maxFrames?: number;
  /** Strip plural endings from plain words (default true). */
  stem?: boolean;
}

const FRAME = /^\s*(?:at\s+[\w$.<>/]+\(.*\)|\.\.\.\s*\d+\s+more)\s*$/;

/** Keeps the first `max` frames of each stack trace; the rest repeat across unrelated reports. */
export function trimStackFrames(text: string, max: number): string {
  if (!text.includes('at ')) return text;
  const out: string[] = [];
  let run = 0;
  for (const line of text.split('\n')) {
    run = FRAME.test(line) ? run + 1 : 0;
    if (run <= max) out.push(line);
  }
  return out.join('\n');
}

/** Folds regular English plurals (`files` → `file`, `policies` → `policy`, `crashes` → `crash`); other words are kept. */
export function stemPlural(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:[^a]ch|sh|ss|x)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is|os|as|ys)$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * Terms of a bug report, in order and with repeats: lowercase words without stop words; identifiers
 * whole and split (camelCase, snake_case, dotted paths, file names); `sig:` exception signatures;
 * numbers, hex, uuids and ids dropped.
 */
export function tokenizeReport(text: string, options: TokenizeOptions = {}): string[] {
  const stopWords = options.stopWords ?? REPORT_STOP_WORDS;
  const terms: string[] = [];
  const cleaned = trimStackFrames(text, options.maxFrames ?? 3).replace(UUID, ' ');
  const stem = options.stem ?? true;
  if (options.signatures ?? true) pushSignatures(cleaned, terms);
  for (const match of cleaned.matchAll(CHUNK)) pushChunk(match[0], stopWords, terms);
  return stem
    ? terms.map((t) => (t.includes('.') || t.startsWith(SIGNATURE_PREFIX) ? t : stemPlural(t)))
    : terms;
}

function pushSignatures(text: string, terms: string[]): void {
  for (const match of text.matchAll(SIGNATURE)) {
    const name = (match[1] ?? '').toLowerCase();
    terms.push(`${SIGNATURE_PREFIX}${name}`);
    const message = normalizeMessage(match[2] ?? '');
    if (message) terms.push(`${SIGNATURE_PREFIX}${name}:${message}`);
  }
}

/** The first words of an error message, without paths, quoted values, numbers or ids. */
function normalizeMessage(message: string): string {
  const words = message
    .replace(/\s+at\s+[\w$.]+\(.*$/, '')
    .replace(/(["'`]).*?\1/g, ' ')
    .replace(/\S*[/\\]\S*/g, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0 && !isNumberLike(w));
  const head = words.slice(0, MESSAGE_WORDS);
  while (head.length > 0 && ENGLISH_STOP_WORDS.has(head[head.length - 1] ?? '')) head.pop();
  return head.join(' ');
}

function pushChunk(chunk: string, stopWords: ReadonlySet<string>, terms: string[]): void {
  const parts = chunk.split('.');
  if (parts.length > 1) {
    const named = parts.filter((p) => !isNumberLike(p));
    if (named.length >= 2) pushWhole(chunk.toLowerCase(), stopWords, terms);
    for (const part of named) pushIdentifier(part, stopWords, terms);
    return;
  }
  pushIdentifier(chunk, stopWords, terms);
}

function pushIdentifier(identifier: string, stopWords: ReadonlySet<string>, terms: string[]): void {
  if (isNumberLike(identifier)) return;
  const parts = splitIdentifier(identifier);
  if (parts.length > 1) {
    pushWhole(identifier.toLowerCase(), stopWords, terms);
    for (const part of parts) pushWord(part.toLowerCase(), stopWords, terms);
    return;
  }
  pushWord(identifier.toLowerCase().replace(/^[_$]+|[_$]+$/g, ''), stopWords, terms);
}

function pushWhole(term: string, stopWords: ReadonlySet<string>, terms: string[]): void {
  if (term.length <= MAX_TERM_LENGTH && !stopWords.has(term) && !isNumberLike(term)) terms.push(term);
}

function pushWord(word: string, stopWords: ReadonlySet<string>, terms: string[]): void {
  if (word.length < 2 || word.length > MAX_TERM_LENGTH) return;
  if (stopWords.has(word) || isNumberLike(word)) return;
  terms.push(word);
}

const BASELINE_TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/**
 * The conventional word tokenizer of the TF-IDF baseline (scikit-learn's default): lowercase
 * runs of two or more word characters, classic English stop words removed.
 */
export function tokenizeWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(BASELINE_TOKEN)) {
    if (!ENGLISH_STOP_WORDS.has(match[0])) out.push(match[0]);
  }
  return out;
}
