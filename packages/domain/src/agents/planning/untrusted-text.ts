import { stripInvisible } from '../../clustering/llm-summarizer.js';

// What `stripInvisible` leaves and a reader still cannot see: every format character (Cf: bidi
// controls, zero-width characters, tag characters U+E0000–E007F, soft hyphens), DEL and C1
// controls, variation selectors of the supplement (used to smuggle bytes), Hangul fillers.
const MORE_INVISIBLE = /\p{Cf}|[\u007F-\u009F]|\u115F|\u1160|\u3164|\uFFA0|[\u{E0100}-\u{E01EF}]/gu;

/** Text from the public (or derived from it) made safe to show: invisible and bidi characters removed. */
export function stripUnsafe(text: string): string {
  return stripInvisible(text)
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(MORE_INVISIBLE, '');
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
