import { UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type StandIn,
  startStandIn,
} from '../../../../apps/server/test/support/stand-ins.js';
import { GeminiEmbedder } from './gemini.js';

const KEY = 'AIzaSy-test-key-0123456789';
const stands: StandIn[] = [];
afterEach(async () => {
  for (const s of stands.splice(0)) await s.close();
});

/** A raw (not normalized) 768-d vector, distinct per text, as truncated Gemini outputs are. */
function rawVector(text: string): number[] {
  const v = new Array<number>(768).fill(0);
  v[0] = 3;
  v[1 + (text.length % 700)] = 4;
  return v;
}

/** `batchEmbedContents` as the Gemini API answers it. */
function geminiApi(req: RecordedRequest) {
  const body = JSON.parse(req.body) as { requests: Array<{ content: { parts: Array<{ text: string }> } }> };
  return {
    body: { embeddings: body.requests.map((r) => ({ values: rawVector(r.content.parts[0]?.text ?? '') })) },
  };
}

async function setup(retry: { maxAttempts?: number } = {}) {
  const stand = await startStandIn(geminiApi);
  stands.push(stand);
  const waits: number[] = [];
  const embedder = new GeminiEmbedder({
    apiKey: KEY,
    baseUrl: stand.url,
    retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...retry },
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

describe('GeminiEmbedder', () => {
  it('sends the documented batchEmbedContents request and returns unit vectors in order', async () => {
    const { stand, embedder } = await setup();
    const vectors = await embedder.embed(['app crashes on save', 'login fails']);

    expect(embedder.id).toBe('gemini:gemini-embedding-001:768');
    expect(stand.requests).toHaveLength(1);
    const [req] = stand.requests as [RecordedRequest];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.query.has('key')).toBe(false);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      requests: ['app crashes on save', 'login fails'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 768,
        taskType: 'CLUSTERING',
      })),
    });
    expect(vectors).toHaveLength(2);
    for (const [i, text] of ['app crashes on save', 'login fails'].entries()) {
      const v = vectors[i] as Float32Array;
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(768);
      expect(v[0]).toBeCloseTo(0.6, 6);
      expect(v[1 + (text.length % 700)]).toBeCloseTo(0.8, 6);
    }
  });

  it('sends at most 100 texts per request and keeps the input order across batches', async () => {
    const { stand, embedder } = await setup();
    const texts = Array.from({ length: 250 }, (_, i) => 'x'.repeat(i + 1));
    const vectors = await embedder.embed(texts);
    expect(
      stand.requests.map((r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length),
    ).toEqual([100, 100, 50]);
    expect(vectors.map((v) => v.indexOf(0.800000011920929))).toEqual(texts.map((t) => 1 + (t.length % 700)));
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const { stand, embedder, waits } = await setup();
    stand.enqueue({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } },
    });
    const vectors = await embedder.embed(['a']);
    expect(vectors).toHaveLength(1);
    expect(stand.requests).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('retries 500s with growing backoff and gives up after the last attempt', async () => {
    const { stand, embedder, waits } = await setup({ maxAttempts: 3 });
    const err500 = {
      status: 500,
      body: { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } },
    };
    stand.enqueue(err500, err500, err500);
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(500);
    expect(stand.requests).toHaveLength(3);
    expect(waits).toEqual([375, 750]);
  });

  it('does not retry a 400 and reports it without the key', async () => {
    const { stand, embedder } = await setup();
    stand.enqueue({
      status: 400,
      body: {
        error: {
          code: 400,
          message: `Invalid value at 'requests[0]' for ${KEY}`,
          status: 'INVALID_ARGUMENT',
        },
      },
    });
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(400);
    expect(err.message).toContain('Invalid value');
    expect(err.message).not.toContain(KEY);
    expect(stand.requests).toHaveLength(1);
  });

  it('reports a rejected key without echoing anything the API said', async () => {
    const { stand, embedder } = await setup();
    stand.enqueue({ status: 403, body: { error: { code: 403, message: `API key ${KEY} not valid` } } });
    const err = await failure(embedder.embed(['a']));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('Gemini embeddings rejected the credentials (403)');
  });

  it.each([
    ['no embeddings', { candidates: [] }],
    ['too few vectors', { embeddings: [] }],
    ['wrong dimensions', { embeddings: [{ values: [1, 2, 3] }] }],
    ['a zero vector', { embeddings: [{ values: new Array(768).fill(0) }] }],
    ['not JSON', '<html>oops</html>'],
  ])('turns a malformed answer (%s) into a non-retryable UpstreamError', async (_name, body) => {
    const { stand, embedder } = await setup();
    stand.enqueue({ body });
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(false);
    expect(stand.requests).toHaveLength(1);
  });

  it('treats an unreachable server as retryable', async () => {
    const { stand, embedder, waits } = await setup({ maxAttempts: 2 });
    await stand.close();
    stands.splice(stands.indexOf(stand), 1);
    const err = await failure(embedder.embed(['a']));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('Gemini embeddings could not be reached');
    expect(waits).toHaveLength(1);
  });

  it('treats a timeout as retryable', async () => {
    const stand = await startStandIn(async (req) => {
      await new Promise((r) => setTimeout(r, 400));
      return geminiApi(req);
    });
    stands.push(stand);
    const embedder = new GeminiEmbedder({
      apiKey: KEY,
      baseUrl: stand.url,
      timeoutMs: 50,
      retry: { maxAttempts: 1 },
    });
    const err = await failure(embedder.embed(['a']));
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('Gemini embeddings timed out');
  });
});
