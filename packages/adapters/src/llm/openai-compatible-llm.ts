import { type LlmClient, type Logger, UpstreamError } from '@fixloop/domain';
import type OpenAI from 'openai';
import { z } from 'zod';
import { type RetryOptions, withRetry } from '../http/retry.js';
import { sdkFailure } from '../http/sdk-failure.js';
import { malformedAnswer } from '../http/upstream-failure.js';
import {
  createOpenAiClient,
  OPENAI_BASE_URL,
  type OpenAiConnection,
  openAiErrors,
} from '../openai/openai-client.js';

const ChatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })).min(1),
});

export interface OpenAiCompatibleLlmOptions extends OpenAiConnection {
  model: string;
  /**
   * Asks for `response_format: {type: 'json_object'}` (default true). A server that rejects it with
   * 400 is asked once more without it, and from then on never with it.
   */
  jsonMode?: boolean;
  /** Used when a prompt gives no `maxTokens` (default 1024). */
  maxTokens?: number;
  /**
   * `max_completion_tokens` (OpenAI's current name, which its reasoning models require) or
   * `max_tokens` (what most compatible servers know). Default: the former for api.openai.com only.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Per request (default 120 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: Logger;
}

/** Chat completions on any OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio) via the official SDK. */
export class OpenAiCompatibleLlm implements LlmClient {
  readonly id: string;
  private readonly client: OpenAI;
  private jsonMode: boolean;
  private readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';

  constructor(private readonly opts: OpenAiCompatibleLlmOptions) {
    this.id = `openai:${opts.model}`;
    this.client = createOpenAiClient(opts, opts.timeoutMs ?? 120_000);
    this.jsonMode = opts.jsonMode ?? true;
    const official = (opts.baseUrl ?? OPENAI_BASE_URL).startsWith(OPENAI_BASE_URL);
    this.maxTokensField = opts.maxTokensField ?? (official ? 'max_completion_tokens' : 'max_tokens');
  }

  async complete(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    const run = () => withRetry('openai', () => this.once(prompt), this.opts.retry, this.opts.log);
    if (!this.jsonMode) return run();
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof UpstreamError) || err.status !== 400) throw err;
      this.jsonMode = false;
      this.opts.log?.warn({ model: this.opts.model }, 'the server rejected JSON mode; asking without it');
      try {
        return await run();
      } catch (retryErr) {
        this.jsonMode = true; // JSON mode was not what it objected to.
        throw retryErr;
      }
    }
  }

  private async once(prompt: { system: string; user: string; maxTokens?: number }): Promise<string> {
    let answer: unknown;
    try {
      answer = await this.client.chat.completions.create({
        model: this.opts.model,
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        [this.maxTokensField]: prompt.maxTokens ?? this.opts.maxTokens ?? 1024,
        ...(this.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
      });
    } catch (err) {
      throw sdkFailure('openai', 'OpenAI chat completions', err, this.opts.apiKey, openAiErrors);
    }
    const parsed = ChatCompletion.safeParse(answer);
    const text = parsed.success ? parsed.data.choices[0]?.message.content : undefined;
    if (!text) throw malformedAnswer('openai', 'OpenAI chat completions', 'no choices[0].message.content');
    return text;
  }
}
