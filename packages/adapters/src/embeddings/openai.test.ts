import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type StandIn,
  startStandIn,
} from '../../../../apps/server/test/support/stand-ins.js';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai.js';

const KEY = 'sk-test-0123456789abcdef';
const stands: StandIn[] = [];
afterEach(async () => {
  for (const s of stands.splice(0)) await s.close();
});

interface EmbeddingsBody {
  model: string;
  input: string[];
  dimensions?: number;
  encoding_format?: string;
}

/** `POST /v1/embeddings` as OpenAI answers it, rows deliberately out of order; vectors not normalized. */
function openAiApi(req: RecordedRequest) {
  const body = JSON.parse(req.body) as EmbeddingsBody;
  const dims = body.dimensions ?? 4;
  const data = body.input.map((text, index) => {
    const embedding = new Array<number>(dims).fill(0);
    embedding[0] = 3 * (index + 1);
    embedding[1] = text.length;
    return { object: 'embedding', index, embedding };
  });
  return {
    body: {
      object: 'list',
      data: data.reverse(),
      model: body.model,
      usage: { prompt_tokens: 8, total_tokens: 8 },
    },
  };
}

async function setup(opts: Partial<OpenAiEmbedderOptions> = {}) {
  const stand = await startStandIn(openAiApi);
  stands.push(stand);
  const waits: number[] = [];
  const embedder = new OpenAiEmbedder({
    baseUrl: `${stand.url}/v1`,
    apiKey: KEY,
    model: 'text-embedding-3-small',
    dimensions: 4,
    ...opts,
    retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...opts.retry },
  });
  return { stand, embedder, waits };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as UpstreamError,
  );

describe('OpenAiEmbedder', () => {
  it('sends {model, input, dimensions} with the bearer key and returns unit vectors by index', async () => {
    const { stand, embedder } = await setup();
    const vectors = await embedder.embed(['abcd', 'abcdefgh']);

    expect(embedder.id).toBe('openai:text-embedding-3-small:4');
    expect(embedder.dimensions).toBe(4);
    const [req] = stand.requests as [RecordedRequest];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/embeddings');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(req.body)).toEqual({
      model: 'text-embedding-3-small',
      input: ['abcd', 'abcdefgh'],
      dimensions: 4,
      encoding_format: 'float',
    });
    // The stand-in answers (3, 4) for the first and (6, 8) for the second, in reverse order.
    expect(vectors.map((v) => Array.from(v))).toEqual([
      [0.6, 0.8, 0, 0].map(Math.fround),
      [0.6, 0.8, 0, 0].map(Math.fround),
    ]);
  });

  it('batches inputs and keeps their order', async () => {
    const { stand, embedder } = await setup({ batchSize: 3 });
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const vectors = await embedder.embed(texts);
    expect(stand.requests.map((r) => (JSON.parse(r.body) as EmbeddingsBody).input)).toEqual([
      ['a', 'bb', 'ccc'],
      ['dddd', 'eeeee', 'ffffff'],
      ['g'],
    ]);
    // The stand-in answers (3·(index + 1), text length): the ratio tells which row landed where.
    expect(vectors.map((v) => Math.round(((v[1] as number) / (v[0] as number)) * 1000) / 1000)).toEqual([
      0.333, 0.333, 0.333, 1.333, 0.833, 0.667, 0.333,
    ]);
  });

  it('sends no Authorization header to a keyless server and omits dimensions when not asked', async () => {
    const { stand, embedder } = await setup({
      apiKey: undefined,
      model: 'nomic-embed-text',
      dimensions: undefined,
    });
    expect(embedder.id).toBe('openai:nomic-embed-text');
    expect(embedder.dimensions).toBe(0);
    await expect(embedder.resolveDimensions()).resolves.toBe(4);
    const [req] = stand.requests as [RecordedRequest];
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({
      model: 'nomic-embed-text',
      input: ['dimensions probe'],
      encoding_format: 'float',
    });
  });

  it('honours Retry-After on 429 (the SDK itself does not retry)', async () => {
    const { stand, embedder, waits } = await setup();
    stand.enqueue({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    await expect(embedder.embed(['a'])).resolves.toHaveLength(1);
    expect(stand.requests).toHaveLength(2);
    expect(waits).toEqual([3000]);
  });

  it('retries 500 up to the attempt limit', async () => {
    const { stand, embedder, waits } = await setup({ retry: { maxAttempts: 2 } });
    const err500 = {
      status: 500,
      body: { error: { message: 'The server had an error', type: 'server_error' } },
    };
    stand.enqueue(err500, err500, err500);
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(500);
    expect(stand.requests).toHaveLength(2);
    expect(waits).toEqual([375]);
  });

  it('does not retry a 400', async () => {
    const { stand, embedder } = await setup();
    stand.enqueue({
      status: 400,
      body: { error: { message: "'$.input' is invalid", type: 'invalid_request_error', code: null } },
    });
    const err = await failure(embedder.embed(['']));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(400);
    expect(err.message).toContain("'$.input' is invalid");
    expect(stand.requests).toHaveLength(1);
  });

  it('keeps the key out of a 401 error', async () => {
    const { stand, embedder } = await setup();
    stand.enqueue({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } },
    });
    const err = await failure(embedder.embed(['a']));
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(KEY);
    expect(JSON.stringify(err.details)).not.toContain(KEY);
  });

  it.each([
    ['no data', { object: 'list' }],
    ['a missing row', { object: 'list', data: [] }],
    [
      'a duplicated index',
      {
        data: [
          { index: 0, embedding: [1, 0, 0, 0] },
          { index: 0, embedding: [1, 0, 0, 0] },
        ],
      },
    ],
    [
      'wrong dimensions',
      {
        data: [
          { index: 0, embedding: [1, 0] },
          { index: 1, embedding: [1, 0] },
        ],
      },
    ],
  ])('turns a malformed answer (%s) into a non-retryable UpstreamError', async (_name, body) => {
    const { stand, embedder } = await setup();
    stand.enqueue({ body });
    const err = await failure(embedder.embed(['a', 'b']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(false);
  });

  it('treats a timeout as retryable', async () => {
    const stand = await startStandIn(async (req) => {
      await new Promise((r) => setTimeout(r, 400));
      return openAiApi(req);
    });
    stands.push(stand);
    const embedder = new OpenAiEmbedder({
      baseUrl: `${stand.url}/v1`,
      model: 'text-embedding-3-small',
      timeoutMs: 50,
      retry: { maxAttempts: 1 },
    });
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('OpenAI embeddings timed out');
  });
});
