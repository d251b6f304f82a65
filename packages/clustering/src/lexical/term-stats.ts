/**
 * Document frequencies of hashed lexical features. IDF comes from here; a project's stats are
 * learned incrementally (`observe` each new document once) and persisted by the store.
 */
export interface TermStats {
  /** Documents observed. */
  readonly documents: number;
  /** Documents that contained feature `featureIndex` (a hash bucket). */
  df(featureIndex: number): number;
  /** Counts one document: each distinct feature index of it once. */
  observe(docFeatures: ArrayLike<number>): void;
}

/** Term stats held in memory: a dense count per bucket. */
export class InMemoryTermStats implements TermStats {
  private readonly counts: Uint32Array;
  private count = 0;

  constructor(
    readonly dimension: number,
    snapshot?: { documents: number; df: Iterable<[featureIndex: number, count: number]> },
  ) {
    this.counts = new Uint32Array(dimension);
    if (snapshot) {
      this.count = snapshot.documents;
      for (const [index, n] of snapshot.df) if (index >= 0 && index < dimension) this.counts[index] = n;
    }
  }

  /** Stats from a dense count per bucket (the form they travel in between threads). */
  static fromCounts(documents: number, counts: ArrayLike<number>): InMemoryTermStats {
    const stats = new InMemoryTermStats(counts.length);
    stats.counts.set(counts);
    stats.count = documents;
    return stats;
  }

  get documents(): number {
    return this.count;
  }

  df(featureIndex: number): number {
    return this.counts[featureIndex] ?? 0;
  }

  observe(docFeatures: ArrayLike<number>): void {
    const seen = new Set<number>();
    for (let i = 0; i < docFeatures.length; i++) {
      const index = docFeatures[i] ?? -1;
      if (index < 0 || index >= this.dimension || seen.has(index)) continue;
      seen.add(index);
      this.counts[index] = (this.counts[index] ?? 0) + 1;
    }
    this.count++;
  }
}

/**
 * Smoothed IDF, `ln((1 + N) / (1 + df)) + 1` (as if one extra document held every feature): finite for
 * unseen features, ≥ 1, and moving slowly while a project is young.
 */
export function smoothIdf(documents: number, df: number): number {
  return Math.log((1 + documents) / (1 + Math.min(df, documents))) + 1;
}
