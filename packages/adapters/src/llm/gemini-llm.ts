import type { LlmClient, Logger } from '@fixloop/domain';
import { z } from 'zod';
import { GEMINI_BASE_URL } from '../embeddings/gemini.js';
import { postJson } from '../http/post-json.js';
import { type RetryOptions, withRetry } from '../http/retry.js';
import { malformedAnswer } from '../http/upstream-failure.js';

const GenerateContentResponse = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({ parts: z.array(z.object({ text: z.string().optional() })).optional() })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
});

export interface GeminiLlmOptions {
  apiKey: string;
  model: string;
  /** API root without the version (default `https://generativelanguage.googleapis.com`). */
  baseUrl?: string;
  /** Used when a prompt gives no `maxTokens` (default 1024). */
  maxTokens?: number;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
}

/**
 * Gemini `generateContent` over REST with `responseMimeType: application/json`. Plain fetch, like
 * the Gemini embedder, so `Retry-After` and our retries apply (see `GeminiEmbedder`).
 */
export class GeminiLlm implements LlmClient {
  readonly id: string;
  private readonly url: string;

  constructor(private readonly opts: GeminiLlmOptions) {
    this.id = `gemini:${opts.model}`;
    const base = (opts.baseUrl ?? GEMINI_BASE_URL).replace(/\/+$/, '');
    this.url = `${base}/v1beta/models/${encodeURIComponent(opts.model)}:generateContent`;
  }

  complete(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    return withRetry('gemini', () => this.once(prompt), this.opts.retry, this.opts.log);
  }

  private async once(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    const json = await postJson({
      service: 'gemini',
      label: 'Gemini generateContent',
      url: this.url,
      headers: { 'x-goog-api-key': this.opts.apiKey },
      body: {
        systemInstruction: { parts: [{ text: prompt.system }] },
        contents: [{ role: 'user', parts: [{ text: prompt.user }] }],
        generationConfig: {
          responseMimeType: 'application/json',
          maxOutputTokens: prompt.maxTokens ?? this.opts.maxTokens ?? 1024,
        },
      },
      timeoutMs: this.opts.timeoutMs ?? 120_000,
      secret: this.opts.apiKey,
    });
    const fail = (what: string) => malformedAnswer('gemini', 'Gemini generateContent', what);
    const parsed = GenerateContentResponse.safeParse(json);
    if (!parsed.success) throw fail('not a GenerateContentResponse');
    const { candidates, promptFeedback } = parsed.data;
    if (promptFeedback?.blockReason) throw fail(`the prompt was blocked (${promptFeedback.blockReason})`);
    const candidate = candidates?.[0];
    const text = candidate?.content?.parts?.map((p) => p.text ?? '').join('') ?? '';
    if (!text) throw fail(`no text (finishReason ${candidate?.finishReason ?? 'none'})`);
    return text;
  }
}
