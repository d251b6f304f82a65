import type { Embedder, Logger } from '@fixloop/domain';
import { z } from 'zod';
import { postJson } from '../http/post-json.js';
import { type RetryOptions, withRetry } from '../http/retry.js';
import { malformedAnswer } from '../http/upstream-failure.js';
import { checkedUnitVector, chunk } from './unit-vector.js';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

const BatchEmbedResponse = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
});

export interface GeminiEmbedderOptions {
  apiKey: string;
  /** API root without the version (default `https://generativelanguage.googleapis.com`). */
  baseUrl?: string;
  /** Default `gemini-embedding-001`. */
  model?: string;
  /** `outputDimensionality` (default 768). */
  dimensions?: number;
  /** Default `CLUSTERING`. */
  taskType?: string;
  /** Texts per `batchEmbedContents` call (default 100, the API's limit). */
  batchSize?: number;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
}

/**
 * Gemini embeddings over REST `batchEmbedContents`. Plain fetch rather than `@google/genai`: that
 * SDK's errors keep only the status (no `Retry-After`) and it brings an auth stack we do not use.
 * Truncated outputs (anything under 3072 dimensions) are not normalized by the API, so we do it.
 */
export class GeminiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly model: string;
  private readonly url: string;

  constructor(private readonly opts: GeminiEmbedderOptions) {
    this.model = opts.model ?? 'gemini-embedding-001';
    this.dimensions = opts.dimensions ?? 768;
    this.id = `gemini:${this.model}:${this.dimensions}`;
    const base = (opts.baseUrl ?? GEMINI_BASE_URL).replace(/\/+$/, '');
    this.url = `${base}/v1beta/models/${encodeURIComponent(this.model)}:batchEmbedContents`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const batch of chunk(texts, this.opts.batchSize ?? 100)) {
      out.push(...(await withRetry('gemini', () => this.embedBatch(batch), this.opts.retry, this.opts.log)));
    }
    return out;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const json = await postJson({
      service: 'gemini',
      label: 'Gemini embeddings',
      url: this.url,
      // The key goes in a header, never in the URL, so it cannot leak through logged URLs.
      headers: { 'x-goog-api-key': this.opts.apiKey },
      body: {
        requests: texts.map((text) => ({
          model: `models/${this.model}`,
          content: { parts: [{ text }] },
          outputDimensionality: this.dimensions,
          taskType: this.opts.taskType ?? 'CLUSTERING',
        })),
      },
      timeoutMs: this.opts.timeoutMs ?? 60_000,
      secret: this.opts.apiKey,
    });
    const parsed = BatchEmbedResponse.safeParse(json);
    if (!parsed.success) throw malformedAnswer('gemini', 'Gemini embeddings', 'no embeddings[].values');
    const { embeddings } = parsed.data;
    if (embeddings.length !== texts.length) {
      throw malformedAnswer(
        'gemini',
        'Gemini embeddings',
        `${embeddings.length} vectors for ${texts.length} texts`,
      );
    }
    const fail = (what: string) => malformedAnswer('gemini', 'Gemini embeddings', what);
    return embeddings.map(({ values }) => checkedUnitVector(values, this.dimensions, fail));
  }
}
