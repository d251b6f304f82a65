import type { LlmClient, Logger } from '@fixloop/domain';
import { z } from 'zod';
import { postJson } from '../http/post-json.js';
import { type RetryOptions, withRetry } from '../http/retry.js';
import { malformedAnswer } from '../http/upstream-failure.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

const MessageResponse = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
});

export interface AnthropicLlmOptions {
  apiKey: string;
  model: string;
  /** API root without `/v1` (default `https://api.anthropic.com`). */
  baseUrl?: string;
  /** Used when a prompt gives no `maxTokens`; the Messages API requires one (default 1024). */
  maxTokens?: number;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
}

/**
 * Claude through the Messages API (`POST /v1/messages`, `x-api-key`, `anthropic-version: 2023-06-01`)
 * with plain fetch. The official SDK (1.13) authenticates with `Authorization: Bearer` instead,
 * falls back to credential files and profiles, and prints model warnings to the console.
 */
export class AnthropicLlm implements LlmClient {
  readonly id: string;
  private readonly url: string;

  constructor(private readonly opts: AnthropicLlmOptions) {
    this.id = `anthropic:${opts.model}`;
    this.url = `${(opts.baseUrl ?? ANTHROPIC_BASE_URL).replace(/\/+$/, '')}/v1/messages`;
  }

  complete(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    return withRetry('anthropic', () => this.once(prompt), this.opts.retry, this.opts.log);
  }

  private async once(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    const answer = await postJson({
      service: 'anthropic',
      label: 'Anthropic Messages',
      url: this.url,
      headers: { 'x-api-key': this.opts.apiKey, 'anthropic-version': '2023-06-01' },
      body: {
        model: this.opts.model,
        max_tokens: prompt.maxTokens ?? this.opts.maxTokens ?? 1024,
        system: prompt.system,
        messages: [{ role: 'user', content: prompt.user }],
      },
      timeoutMs: this.opts.timeoutMs ?? 120_000,
      secret: this.opts.apiKey,
    });
    const parsed = MessageResponse.safeParse(answer);
    const text = parsed.success
      ? parsed.data.content
          .filter((block) => block.type === 'text')
          .map((block) => block.text ?? '')
          .join('')
      : '';
    if (!text) throw malformedAnswer('anthropic', 'Anthropic Messages', 'no text content');
    return text;
  }
}
