import { ENGLISH_STOP_WORDS, isNumberLike, splitSentences } from '@fixloop/clustering';

/** Words several reports use in the same order: how people describe the symptom. */
export interface Phrase {
  text: string;
  reports: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
const CODE_LIKE = /[{};=<>]|^\s*at\s|\w\(|[A-Za-z](?:Error|Exception)\b/;

function ngramsOf(text: string, min: number, max: number): Set<string> {
  const out = new Set<string>();
  for (const sentence of splitSentences(text)) {
    if (CODE_LIKE.test(sentence)) continue;
    const words = (sentence.toLowerCase().match(WORD) ?? []).slice(0, 60);
    for (let n = min; n <= max; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        const gram = words.slice(i, i + n);
        const first = gram[0] as string;
        const last = gram[n - 1] as string;
        if (ENGLISH_STOP_WORDS.has(first) || ENGLISH_STOP_WORDS.has(last)) continue;
        if (gram.some((w) => isNumberLike(w))) continue;
        out.add(gram.join(' '));
      }
    }
  }
  return out;
}

/**
 * Phrases of two to four words that at least `minReports` reports share (stop words may sit inside
 * a phrase, not at its ends); most reports first, then longest, leaving out phrases that overlap a
 * chosen one.
 */
export function recurringPhrases(texts: readonly string[], minReports: number, limit = 3): Phrase[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const gram of ngramsOf(text, 2, 4)) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  const ranked = [...counts]
    .filter(([, n]) => n >= minReports)
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
  const chosen: Phrase[] = [];
  for (const [text, reports] of ranked) {
    if (chosen.length >= limit) break;
    if (chosen.some((c) => c.text.includes(text) || text.includes(c.text))) continue;
    chosen.push({ text, reports });
  }
  return chosen;
}
