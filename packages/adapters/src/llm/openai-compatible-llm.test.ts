import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type StandIn,
  startStandIn,
} from '../../../../apps/server/test/support/stand-ins.js';
import { OpenAiCompatibleLlm, type OpenAiCompatibleLlmOptions } from './openai-compatible-llm.js';

const KEY = 'sk-test-llm-0123456789';
const stands: StandIn[] = [];
afterEach(async () => {
  for (const s of stands.splice(0)) await s.close();
});

const completion = (content: string | null) => ({
  id: 'chatcmpl-123',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
});

async function setup(opts: Partial<OpenAiCompatibleLlmOptions> = {}) {
  const stand = await startStandIn(() => ({ body: completion('{"title":"Crash on save"}') }));
  stands.push(stand);
  const waits: number[] = [];
  const llm = new OpenAiCompatibleLlm({
    baseUrl: `${stand.url}/v1`,
    apiKey: KEY,
    model: 'gpt-4o-mini',
    ...opts,
    retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...opts.retry },
  });
  return { stand, llm, waits };
}

const prompt = { system: 'Answer in JSON.', user: 'Title this cluster.' };
const bodyOf = (r: RecordedRequest | undefined) => JSON.parse(r?.body ?? '{}') as Record<string, unknown>;

describe('OpenAiCompatibleLlm', () => {
  it('posts a chat completion in JSON mode and returns the text', async () => {
    const { stand, llm } = await setup();
    await expect(llm.complete({ ...prompt, maxTokens: 200 })).resolves.toBe('{"title":"Crash on save"}');
    expect(llm.id).toBe('openai:gpt-4o-mini');
    const [req] = stand.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(bodyOf(req)).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Title this cluster.' },
      ],
      max_tokens: 200,
      response_format: { type: 'json_object' },
    });
  });

  it('asks once more without JSON mode when the server rejects it, and remembers', async () => {
    const { stand, llm } = await setup();
    stand.enqueue({
      status: 400,
      body: { error: { message: "'response_format' is not supported", type: 'invalid_request_error' } },
    });
    await expect(llm.complete(prompt)).resolves.toBe('{"title":"Crash on save"}');
    await llm.complete(prompt);
    expect(stand.requests.map((r) => 'response_format' in bodyOf(r))).toEqual([true, false, false]);
  });

  it('uses max_completion_tokens when asked to', async () => {
    const { stand, llm } = await setup({ maxTokensField: 'max_completion_tokens', jsonMode: false });
    await llm.complete(prompt);
    expect(bodyOf(stand.requests[0])).toMatchObject({ max_completion_tokens: 1024 });
    expect(bodyOf(stand.requests[0])).not.toHaveProperty('response_format');
  });

  it('honours Retry-After on 429 and retries 500', async () => {
    const { stand, llm, waits } = await setup();
    stand.enqueue(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: 'Rate limit', type: 'requests' } },
      },
      { status: 500, body: { error: { message: 'server error', type: 'server_error' } } },
    );
    await expect(llm.complete(prompt)).resolves.toBe('{"title":"Crash on save"}');
    expect(stand.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 750]);
  });

  it('does not retry a 400 that is not about JSON mode', async () => {
    const { stand, llm } = await setup({ jsonMode: false });
    stand.enqueue({
      status: 400,
      body: { error: { message: 'context length exceeded', type: 'invalid_request_error' } },
    });
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
    expect((err as UpstreamError).message).toContain('context length exceeded');
    expect(stand.requests).toHaveLength(1);
  });

  it.each([
    ['no choices', { id: 'x', choices: [] }],
    ['null content', completion(null)],
    ['not JSON', 'upstream proxy error'],
  ])('turns a malformed answer (%s) into a non-retryable UpstreamError', async (_name, body) => {
    const { stand, llm } = await setup({ jsonMode: false });
    stand.enqueue({ body });
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
  });
});
