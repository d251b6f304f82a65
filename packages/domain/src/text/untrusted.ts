// What a reader cannot see but a model or a terminal still acts on: C0 controls but tab, newline
// and carriage return; DEL and C1 controls; every format character (Cf: bidi controls, zero-width
// characters, soft hyphen, BOM, tag characters U+E0000–E007F); Hangul fillers; the supplementary
// variation selectors (used to smuggle bytes).
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u115F\u1160\u3164\uFFA0]|\p{Cf}|[\u{E0100}-\u{E01EF}]/gu;

/** Text from the public (or derived from it) made safe to show: invisible and bidi characters removed, line and paragraph separators made newlines. */
export function stripUnsafe(text: string): string {
  return text.replace(/[\u2028\u2029]/g, '\n').replace(INVISIBLE, '');
}

/** One line, whitespace folded, at most `max` characters (an ellipsis marks a cut). */
export function oneLine(text: string, max: number): string {
  const line = stripUnsafe(text).replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** At most `max` characters, cut at a line or word boundary when one is near. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  return `${at > max * 0.8 ? cut.slice(0, at) : cut}…`;
}

/** `x` as inline code: backticks inside become quotes, so the span cannot be closed early. */
export function code(text: string, max = 120): string {
  return `\`${oneLine(text, max).replaceAll('`', "'")}\``;
}

/**
 * A fenced block that `text` cannot close: the fence is one backtick longer than the longest run
 * of backticks inside (at least three), and a fence closes only on a run at least as long.
 */
export function fence(text: string, info = 'text'): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const bar = '`'.repeat(Math.max(3, longest + 1));
  return `${bar}${info}\n${text}\n${bar}`;
}

/** The first JSON object in a model's answer (models sometimes wrap it in a code fence or prose). */
export function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(text.slice(start, end + 1));
}
