import type { Embedder, Logger } from '@fixloop/domain';
import type OpenAI from 'openai';
import { z } from 'zod';
import { type RetryOptions, withRetry } from '../http/retry.js';
import { sdkFailure } from '../http/sdk-failure.js';
import { malformedAnswer } from '../http/upstream-failure.js';
import { createOpenAiClient, type OpenAiConnection, openAiErrors } from '../openai/openai-client.js';
import { checkedUnitVector, chunk } from './unit-vector.js';

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/** Native sizes of OpenAI's own models, so `dimensions` is known before the first call. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export interface OpenAiEmbedderOptions extends OpenAiConnection {
  model: string;
  /**
   * Asks the API for vectors of this size (`dimensions`; text-embedding-3 and some servers support it)
   * and becomes part of the id. Without it, the model's native size is used.
   */
  dimensions?: number;
  /** Inputs per request (default 256). */
  batchSize?: number;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
}

/**
 * Any OpenAI-compatible `/v1/embeddings` (OpenAI, Ollama, vLLM, TEI) through the official SDK.
 * Vectors are L2-normalized here: not every server returns unit vectors.
 */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  private readonly client: OpenAI;
  private knownDimensions: number | undefined;

  constructor(private readonly opts: OpenAiEmbedderOptions) {
    this.id = `openai:${opts.model}${opts.dimensions ? `:${opts.dimensions}` : ''}`;
    this.knownDimensions = opts.dimensions ?? KNOWN_DIMENSIONS[opts.model];
    this.client = createOpenAiClient(opts, opts.timeoutMs ?? 60_000);
  }

  /** The vector size; for a model not known in advance, 0 until the first answer (see `resolveDimensions`). */
  get dimensions(): number {
    return this.knownDimensions ?? 0;
  }

  /** The vector size, asking the server once with a probe text when the model is not known. */
  async resolveDimensions(): Promise<number> {
    if (this.knownDimensions === undefined) await this.embed(['dimensions probe']);
    return this.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const batch of chunk(texts, this.opts.batchSize ?? 256)) {
      out.push(...(await withRetry('openai', () => this.embedBatch(batch), this.opts.retry, this.opts.log)));
    }
    return out;
  }

  private async embedBatch(input: string[]): Promise<Float32Array[]> {
    let answer: unknown;
    try {
      answer = await this.client.embeddings.create({
        model: this.opts.model,
        input,
        // The SDK would otherwise ask for base64, which not every compatible server speaks.
        encoding_format: 'float',
        ...(this.opts.dimensions ? { dimensions: this.opts.dimensions } : {}),
      });
    } catch (err) {
      throw sdkFailure('openai', 'OpenAI embeddings', err, this.opts.apiKey, openAiErrors);
    }
    const fail = (what: string) => malformedAnswer('openai', 'OpenAI embeddings', what);
    const parsed = EmbeddingsResponse.safeParse(answer);
    if (!parsed.success) throw fail('no data[].embedding');
    const rows = [...parsed.data.data].sort((a, b) => a.index - b.index);
    if (rows.length !== input.length || rows.some((r, i) => r.index !== i)) {
      throw fail(`${rows.length} vectors for ${input.length} inputs`);
    }
    const dims = this.knownDimensions ?? rows[0]?.embedding.length;
    const vectors = rows.map((r) => checkedUnitVector(r.embedding, dims, fail));
    this.knownDimensions = dims;
    return vectors;
  }
}
