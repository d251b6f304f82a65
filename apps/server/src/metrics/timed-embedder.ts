import type { Embedder, Telemetry } from '@fixloop/domain';

/**
 * An embedder that reports each call's latency and text count under `provider`. It wraps the
 * provider itself (inside the cache), so only real calls are timed. The USE-lite model infers on a
 * worker thread, but its `embed` resolves here, on the thread that owns the registry.
 */
export class TimedEmbedder implements Embedder {
  constructor(
    private readonly inner: Embedder,
    private readonly telemetry: Telemetry,
    private readonly provider: string,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const began = performance.now();
    const vectors = await this.inner.embed(texts);
    this.telemetry.embeddingCall(this.provider, texts.length, (performance.now() - began) / 1000);
    return vectors;
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
