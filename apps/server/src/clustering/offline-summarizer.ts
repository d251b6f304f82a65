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

const STATS_TTL_MS = 30_000;

/**
 * Titles and summaries without a model: the medoid's title, class-based TF-IDF terms against the
 * project's own document frequencies, counts, dates and two quotes. The frequencies are read at most
 * every 30 s per project (a run may digest thousands of clusters).
 */
export class OfflineSummarizer implements ClusterSummarizer {
  private readonly stats = new Map<string, { at: number; stats: InMemoryTermStats }>();
  private readonly space: string;

  constructor(
    private readonly termStats: RedisTermStats,
    private readonly lexical: LexicalOptions = DEFAULT_LEXICAL_OPTIONS,
  ) {
    this.space = lexicalSpace(lexical);
  }

  async summarize(input: { projectId: string; items: FeedbackItem[] }): Promise<ClusterDigest> {
    const digest = offlineDigest({
      items: input.items.map((i) => ({
        title: i.title,
        body: i.body,
        source: i.source,
        createdAt: i.createdAt,
        ...(i.author ? { author: i.author } : {}),
      })),
      corpusStats: await this.corpus(input.projectId),
      lexical: this.lexical,
    });
    return { ...digest, by: 'offline' };
  }

  private async corpus(projectId: string): Promise<InMemoryTermStats> {
    const cached = this.stats.get(projectId);
    if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.stats;
    const snapshot = await this.termStats.load(projectId, this.space);
    const stats = new InMemoryTermStats(this.lexical.dimension, snapshot);
    if (this.stats.size > 1_000) this.stats.clear();
    this.stats.set(projectId, { at: Date.now(), stats });
    return stats;
  }
}
