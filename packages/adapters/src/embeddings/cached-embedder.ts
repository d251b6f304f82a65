import type { Embedder, EmbeddingCache } from '@fixloop/domain';

/**
 * An embedder behind a cache keyed by its id and the text: only texts the cache does not hold are
 * sent to it (each distinct text once), and what comes back is stored. `hits` and `misses` count
 * texts since construction; `onLookup`, when given, hears each lookup's counts (for metrics).
 */
export class CachedEmbedder implements Embedder {
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly cache: EmbeddingCache,
    private readonly onLookup?: (hits: number, misses: number) => void,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const cached = await this.cache.getMany(this.id, texts);
    const out: Array<Float32Array | null> = cached.map((v) => (v && this.fits(v) ? v : null));
    const missing = [...new Set(texts.filter((_, i) => out[i] === null))];
    const hits = out.filter((v) => v !== null).length;
    this.hits += hits;
    this.misses += texts.length - hits;
    this.onLookup?.(hits, texts.length - hits);
    if (missing.length > 0) {
      const fresh = await this.inner.embed(missing);
      if (fresh.length !== missing.length) {
        throw new Error(`${this.id} returned ${fresh.length} vectors for ${missing.length} texts`);
      }
      const byText = new Map(missing.map((text, i) => [text, fresh[i] as Float32Array]));
      await this.cache.setMany(this.id, [...byText]);
      for (let i = 0; i < texts.length; i++) out[i] ??= byText.get(texts[i] as string) ?? null;
    }
    return out as Float32Array[];
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  /** A vector of another size under the same id (a changed model behind it) counts as a miss. */
  private fits(v: Float32Array): boolean {
    return this.dimensions === 0 || v.length === this.dimensions;
  }
}
