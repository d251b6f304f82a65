import {
  DEFAULT_LEXICAL_OPTIONS,
  extractLexicalFeatures,
  type LexicalOptions,
  weighLexicalFeatures,
} from '../lexical/lexical-vectorizer.js';
import type { TermStats } from '../lexical/term-stats.js';
import type { Vectors } from '../types.js';
import { centralityOrder } from './centrality.js';
import { distinctiveTerms } from './distinctive-terms.js';
import { representativeQuotes } from './quotes.js';

/** A cluster member as the digest needs it. */
export interface DigestItem {
  title: string;
  body: string;
  source: string;
  /** ISO 8601. */
  createdAt: string;
  author?: string;
}

export interface OfflineDigestInput {
  items: readonly DigestItem[];
  /** The members' unit vectors, in order; without them centrality uses the lexical channel. */
  vectors?: Vectors;
  /** The project's document frequencies (the lexical channel's), for distinctive terms. */
  corpusStats: TermStats;
  lexical?: LexicalOptions;
  /** Distinctive terms wanted (default 6). */
  maxTerms?: number;
}

export interface OfflineDigest {
  title: string;
  summary: string;
  terms: string[];
}

const MAX_TITLE = 120;

/**
 * A cluster's title and one-paragraph summary without a language model: the medoid's title; counts
 * per source, distinct reporters, first and last seen; class-based TF-IDF distinctive terms; two
 * representative quotes from the most central members. Deterministic.
 */
export function offlineDigest(input: OfflineDigestInput): OfflineDigest {
  const { items } = input;
  if (items.length === 0) return { title: '', summary: '', terms: [] };
  const lexical = input.lexical ?? DEFAULT_LEXICAL_OPTIONS;
  const order = centralityOrder(input.vectors ?? lexicalVectors(items, input.corpusStats, lexical));
  const central = order.map((i) => items[i] as DigestItem);
  const texts = items.map((item) => `${item.title}\n${item.body}`);
  const terms = distinctiveTerms(texts, input.corpusStats, {
    dimension: lexical.dimension,
    limit: input.maxTerms ?? 6,
  }).map((t) => t.term);
  const quotes = representativeQuotes(
    central.map((item) => item.body),
    terms,
  );
  const parts = [describeCounts(items)];
  if (terms.length > 0) parts.push(`Distinctive terms: ${terms.join(', ')}.`);
  if (quotes.length > 0) parts.push(quotes.map((q) => `“${q}”`).join(' '));
  return { title: digestTitle(central), summary: parts.join(' '), terms };
}

function digestTitle(central: readonly DigestItem[]): string {
  const withTitle = central.find((item) => item.title.trim().length > 0);
  const title = (withTitle?.title ?? central[0]?.body ?? '').replace(/\s+/g, ' ').trim();
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1).trimEnd()}…`;
}

/** "3 reports (2 github, 1 reddit) from 2 reporters, first seen 2024-03-01, last seen 2024-03-09." */
export function describeCounts(items: readonly DigestItem[]): string {
  const bySource = new Map<string, number>();
  for (const item of items) bySource.set(item.source, (bySource.get(item.source) ?? 0) + 1);
  const sources = [...bySource]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([source, n]) => (items.length === 1 ? source : `${n} ${source}`))
    .join(', ');
  const reporters = new Set(items.flatMap((item) => (item.author ? [item.author] : []))).size;
  const days = items
    .map((item) => item.createdAt.slice(0, 10))
    .filter((day) => /^\d{4}-\d{2}-\d{2}$/.test(day))
    .sort();
  let text = `${items.length} ${items.length === 1 ? 'report' : 'reports'} (${sources})`;
  if (reporters > 0) text += ` from ${reporters} ${reporters === 1 ? 'reporter' : 'reporters'}`;
  const first = days[0];
  const last = days[days.length - 1];
  if (first && last) text += first === last ? `, seen ${first}` : `, first seen ${first}, last seen ${last}`;
  return `${text}.`;
}

function lexicalVectors(items: readonly DigestItem[], stats: TermStats, options: LexicalOptions): Vectors {
  const d = options.dimension;
  const data = new Float32Array(items.length * d);
  items.forEach((item, i) => {
    const features = extractLexicalFeatures({ title: item.title, body: item.body }, options);
    data.set(weighLexicalFeatures(features, stats, options), i * d);
  });
  return { data, n: items.length, d };
}
