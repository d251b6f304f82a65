import { type Embedder, noTelemetry, type Telemetry } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { TimedEmbedder } from './timed-embedder.js';

class SlowEmbedder implements Embedder {
  readonly id = 'slow:model';
  readonly dimensions = 1;
  closed = false;
  constructor(private readonly fail = false) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.fail) throw new Error('provider down');
    return texts.map(() => new Float32Array([1]));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function recording() {
  const calls: Array<{ provider: string; texts: number; seconds: number }> = [];
  const telemetry: Telemetry = {
    ...noTelemetry,
    embeddingCall: (provider, texts, seconds) => calls.push({ provider, texts, seconds }),
  };
  return { calls, telemetry };
}

describe('TimedEmbedder', () => {
  it('reports each call with its provider, text count and duration, and passes the vectors on', async () => {
    const { calls, telemetry } = recording();
    const inner = new SlowEmbedder();
    const embedder = new TimedEmbedder(inner, telemetry, 'openai');
    expect([embedder.id, embedder.dimensions]).toEqual(['slow:model', 1]);
    expect(await embedder.embed(['a', 'b', 'c'])).toHaveLength(3);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ provider: 'openai', texts: 3 });
    expect(calls[0]?.seconds).toBeGreaterThanOrEqual(0.015);
    expect(calls[0]?.seconds).toBeLessThan(5);
    await embedder.close();
    expect(inner.closed).toBe(true);
  });

  it('reports nothing for a call that failed', async () => {
    const { calls, telemetry } = recording();
    await expect(new TimedEmbedder(new SlowEmbedder(true), telemetry, 'gemini').embed(['a'])).rejects.toThrow(
      'provider down',
    );
    expect(calls).toEqual([]);
  });
});
