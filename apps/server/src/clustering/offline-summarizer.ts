import {
  DEFAULT_LEXICAL_OPTIONS,
  InMemoryTermStats,
  type LexicalOptions,
  lexicalSpace,
  offlineDigest,
} from '@fixloop/clustering';
import type { FeedbackItem } from '@fixloop/contracts';
import type { ClusterDigest, ClusterSummarizer } from '@fixloop/domain';
import type { RedisTermStats } from '@fixloop/store';
import type { DigestRequest } from './compute-ops.js';
import type { ComputeThread } from './compute-thread.js';

const STATS_TTL_MS = 30_000;

/** Computes one offline digest: on the calling thread, or on the compute thread. */
export type DigestRunner = (
  request: DigestRequest,
) => Promise<{ title: string; summary: string; terms: string[] }>;

/** Digests on the calling thread (tests, tools). */
export const inProcessDigest: DigestRunner = async (r) =>
  offlineDigest({
    items: r.items,
    corpusStats: InMemoryTermStats.fromCounts(r.documents, r.df),
    lexical: r.lexical,
  });

/** Digests on the compute thread: a large cluster's digest is tens of milliseconds of CPU. */
export function threadDigest(thread: ComputeThread): DigestRunner {
  return (r) => thread.call('digest', r);
}

/**
 * Titles and summaries without a model: the medoid's title, class-based TF-IDF terms against the
 * project's own document frequencies, counts, dates and two quotes. The frequencies are read at most
 * every 30 s per project (a run may digest thousands of clusters).
 */
export class OfflineSummarizer implements ClusterSummarizer {
  private readonly stats = new Map<string, { at: number; documents: number; df: Uint32Array }>();
  private readonly space: string;

  constructor(
    private readonly termStats: RedisTermStats,
    private readonly lexical: LexicalOptions = DEFAULT_LEXICAL_OPTIONS,
    private readonly run: DigestRunner = inProcessDigest,
  ) {
    this.space = lexicalSpace(lexical);
  }

  async summarize(input: { projectId: string; items: FeedbackItem[] }): Promise<ClusterDigest> {
    const { documents, df } = await this.corpus(input.projectId);
    const digest = await this.run({
      items: input.items.map((i) => ({
        title: i.title,
        body: i.body,
        source: i.source,
        createdAt: i.createdAt,
        ...(i.author ? { author: i.author } : {}),
      })),
      documents,
      // A copy travels to the thread; the cached counts stay here.
      df,
      lexical: this.lexical,
    });
    return { ...digest, by: 'offline' };
  }

  private async corpus(projectId: string): Promise<{ documents: number; df: Uint32Array }> {
    const cached = this.stats.get(projectId);
    if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached;
    const snapshot = await this.termStats.load(projectId, this.space);
    const df = new Uint32Array(this.lexical.dimension);
    for (const [index, n] of snapshot.df) if (index >= 0 && index < df.length) df[index] = n;
    if (this.stats.size > 1_000) this.stats.clear();
    const entry = { at: Date.now(), documents: snapshot.documents, df };
    this.stats.set(projectId, entry);
    return entry;
  }
}
