import { hashFeature } from '../lexical/feature-hash.js';
import type { TermStats } from '../lexical/term-stats.js';
import { SIGNATURE_PREFIX, tokenizeReport } from '../lexical/tokenize.js';

/** A term that sets a cluster apart from the corpus. */
export interface DistinctiveTerm {
  term: string;
  /** Class-based TF-IDF score. */
  score: number;
  /** Members whose text contains the term. */
  members: number;
}

export interface DistinctiveTermsOptions {
  /** Hash dimension the corpus stats were counted in. */
  dimension: number;
  /** Most terms returned (default 8). */
  limit?: number;
}

/**
 * Class-based TF-IDF: the cluster is one class, a term scores `(members containing it / size) ·
 * ln(1 + N / df)` with `N`, `df` the corpus documents and the term's document frequency, so terms
 * most members share and the corpus rarely uses come first. Signatures show as their exception
 * name; a term covered by a higher one (`namesystem` after `fsnamesystem`, `uploading` after
 * `upload`) is left out.
 * Ties go to the longer term (a whole identifier before its parts), then alphabetically.
 */
export function distinctiveTerms(
  texts: readonly string[],
  corpus: TermStats,
  options: DistinctiveTermsOptions,
): DistinctiveTerm[] {
  const members = new Map<string, number>();
  for (const text of texts) {
    for (const term of new Set(tokenizeReport(text).map(displayTerm))) {
      if (term) members.set(term, (members.get(term) ?? 0) + 1);
    }
  }
  const size = Math.max(1, texts.length);
  const documents = Math.max(corpus.documents, size);
  // In a cluster of two or more, a distinctive term is one its members share.
  const minMembers = texts.length >= 2 ? 2 : 1;
  const scored = [...members]
    .filter(([, count]) => count >= minMembers)
    .map(([term, count]): DistinctiveTerm => {
      const df = Math.max(count, corpus.df(hashFeature(term, options.dimension).index));
      return { term, members: count, score: (count / size) * Math.log(1 + documents / df) };
    });
  scored.sort(
    (a, b) =>
      b.score - a.score || b.term.length - a.term.length || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
  );
  const chosen: DistinctiveTerm[] = [];
  for (const candidate of scored) {
    if (chosen.length >= (options.limit ?? 8)) break;
    if (chosen.some((c) => covers(c.term, candidate.term))) continue;
    chosen.push(candidate);
  }
  return chosen;
}

/** Whether showing `chosen` makes `candidate` redundant: part of it, or a longer form of a word. */
function covers(chosen: string, candidate: string): boolean {
  return chosen.includes(candidate) || (chosen.length >= 4 && candidate.startsWith(chosen));
}

/** A term as people read it: `sig:ioexception` → `ioexception`; signature messages are not shown. */
function displayTerm(term: string): string | null {
  if (!term.startsWith(SIGNATURE_PREFIX)) return term;
  const name = term.slice(SIGNATURE_PREFIX.length);
  return name.includes(':') ? null : name;
}
