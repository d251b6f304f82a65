import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../../../apps/server/test/support/stand-ins.js';
import { GeminiLlm } from './gemini-llm.js';

const KEY = 'AIzaSy-llm-test-0123456789';
const stands: StandIn[] = [];
afterEach(async () => {
  for (const s of stands.splice(0)) await s.close();
});

const generated = (texts: string[], finishReason = 'STOP') => ({
  candidates: [
    { content: { role: 'model', parts: texts.map((text) => ({ text })) }, finishReason, index: 0 },
  ],
  usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 6, totalTokenCount: 18 },
  modelVersion: 'gemini-2.5-flash',
});

async function setup(maxAttempts?: number) {
  const stand = await startStandIn(() => ({ body: generated(['{"title":', '"Crash on save"}']) }));
  stands.push(stand);
  const waits: number[] = [];
  const llm = new GeminiLlm({
    apiKey: KEY,
    model: 'gemini-2.5-flash',
    baseUrl: stand.url,
    retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, maxAttempts },
  });
  return { stand, llm, waits };
}

const prompt = { system: 'Answer in JSON.', user: 'Title this cluster.' };

describe('GeminiLlm', () => {
  it('posts generateContent asking for JSON and joins the text parts', async () => {
    const { stand, llm } = await setup();
    await expect(llm.complete({ ...prompt, maxTokens: 300 })).resolves.toBe('{"title":"Crash on save"}');
    expect(llm.id).toBe('gemini:gemini-2.5-flash');
    const [req] = stand.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req?.headers['x-goog-api-key']).toBe(KEY);
    expect(req?.query.has('key')).toBe(false);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      systemInstruction: { parts: [{ text: 'Answer in JSON.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Title this cluster.' }] }],
      generationConfig: { responseMimeType: 'application/json', maxOutputTokens: 300 },
    });
  });

  it('honours Retry-After on 429 and retries 503', async () => {
    const { stand, llm, waits } = await setup();
    stand.enqueue(
      {
        status: 429,
        headers: { 'retry-after': '4' },
        body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } },
      },
      {
        status: 503,
        body: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
      },
    );
    await expect(llm.complete(prompt)).resolves.toBe('{"title":"Crash on save"}');
    expect(waits).toEqual([4000, 750]);
  });

  it('gives up on 500 after the last attempt', async () => {
    const { stand, llm } = await setup(2);
    const err500 = { status: 500, body: { error: { code: 500, message: 'Internal', status: 'INTERNAL' } } };
    stand.enqueue(err500, err500);
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect(stand.requests).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    const { stand, llm } = await setup();
    stand.enqueue({
      status: 400,
      body: { error: { code: 400, message: 'models/nope is not found', status: 'INVALID_ARGUMENT' } },
    });
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
    expect((err as UpstreamError).message).toContain('models/nope is not found');
    expect(stand.requests).toHaveLength(1);
  });

  it.each([
    ['a blocked prompt', { promptFeedback: { blockReason: 'SAFETY' } }],
    ['no text', generated([], 'MAX_TOKENS')],
    ['a wrong shape', { candidates: 'none' }],
  ])('turns %s into a non-retryable UpstreamError', async (_name, body) => {
    const { stand, llm } = await setup();
    stand.enqueue({ body });
    const err = await llm.complete(prompt).catch((e: unknown) => e as UpstreamError);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
  });
});
