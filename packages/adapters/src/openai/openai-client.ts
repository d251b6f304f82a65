import OpenAI, { APIConnectionError, APIError } from 'openai';
import type { SdkErrorClasses } from '../http/sdk-failure.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiConnection {
  /** Any OpenAI-compatible API root including `/v1` (default `https://api.openai.com/v1`). */
  baseUrl?: string;
  /** Optional: local servers (Ollama, vLLM, TEI) often need none, and then none is sent. */
  apiKey?: string;
}

export const openAiErrors: SdkErrorClasses = { APIError, APIConnectionError };

/**
 * The official SDK pointed at `baseUrl`, with its own retries off (ours honour `Retry-After` the
 * same way for every provider) and every setting explicit, so it reads no `OPENAI_*` variable.
 */
export function createOpenAiClient(conn: OpenAiConnection, timeoutMs: number): OpenAI {
  return new OpenAI({
    baseURL: conn.baseUrl ?? OPENAI_BASE_URL,
    // The SDK insists on a credential; for keyless servers the header is then removed again.
    apiKey: conn.apiKey || 'none',
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: timeoutMs,
    logLevel: 'off',
    ...(conn.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });
}
