import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../../../apps/server/test/support/stand-ins.js';
import { AnthropicLlm } from './anthropic-llm.js';

const KEY = 'sk-ant-test-0123456789';
const stands: StandIn[] = [];
afterEach(async () => {
  for (const s of stands.splice(0)) await s.close();
});

const message = (content: unknown[]) => ({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content,
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 20, output_tokens: 8 },
});
const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };

async function setup(maxAttempts?: number) {
  const stand = await startStandIn(() => ({
    body: message([{ type: 'text', text: '{"title":"Crash on save"}' }]),
  }));
  stands.push(stand);
  const waits: number[] = [];
  const llm = new AnthropicLlm({
    apiKey: KEY,
    model: 'claude-sonnet-4-5',
    baseUrl: stand.url,
    retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, maxAttempts },
  });
  return { stand, llm, waits };
}

const prompt = { system: 'Answer in JSON.', user: 'Title this cluster.' };

describe('AnthropicLlm', () => {
  it('posts to /v1/messages with the key and version headers and returns the text', async () => {
    const { stand, llm } = await setup();
    await expect(llm.complete({ ...prompt, maxTokens: 256 })).resolves.toBe('{"title":"Crash on save"}');
    expect(llm.id).toBe('anthropic:claude-sonnet-4-5');
    const [req] = stand.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/messages');
    expect(req?.headers['x-api-key']).toBe(KEY);
    expect(req?.headers['anthropic-version']).toBe('2023-06-01');
    expect(req?.headers.authorization).toBeUndefined();
    expect(JSON.parse(req?.body ?? '')).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      system: 'Answer in JSON.',
      messages: [{ role: 'user', content: 'Title this cluster.' }],
    });
  });

  it('joins text blocks and skips others', async () => {
    const { stand, llm } = await setup();
    stand.enqueue({
      body: message([
        { type: 'thinking', thinking: 'hmm', signature: 'x' },
        { type: 'text', text: '{"a":' },
        { type: 'text', text: '1}' },
      ]),
    });
    await expect(llm.complete(prompt)).resolves.toBe('{"a":1}');
  });

  it('honours retry-after on 429 and retries 529 overloaded', async () => {
    const { stand, llm, waits } = await setup();
    stand.enqueue(
      {
        status: 429,
        headers: { 'retry-after': '5' },
        body: { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } },
      },
      { status: 529, body: overloaded },
    );
    await expect(llm.complete(prompt)).resolves.toBe('{"title":"Crash on save"}');
    expect(stand.requests).toHaveLength(3);
    expect(waits).toEqual([5000, 750]);
  });

  it('gives up on 500 after the last attempt', async () => {
    const { stand, llm } = await setup(3);
    const err500 = {
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'Internal' } },
    };
    stand.enqueue(err500, err500, err500);
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).status).toBe(500);
    expect(stand.requests).toHaveLength(3);
  });

  it('does not retry a 400 and never shows the key', async () => {
    const { stand, llm } = await setup();
    stand.enqueue({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: `max_tokens too large (${KEY})` },
      },
    });
    const err = (await llm.complete(prompt).catch((e: unknown) => e)) as UpstreamError;
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('max_tokens too large');
    expect(err.message).not.toContain(KEY);
    expect(stand.requests).toHaveLength(1);
  });

  it.each([
    ['no text block', message([{ type: 'tool_use', id: 't', name: 'x', input: {} }])],
    ['a wrong shape', { type: 'message', content: 'text' }],
  ])('turns %s into a non-retryable UpstreamError', async (_name, body) => {
    const { stand, llm } = await setup();
    stand.enqueue({ body });
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
  });
});
