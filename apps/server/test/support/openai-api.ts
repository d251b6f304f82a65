import { createHash } from 'node:crypto';
import type { RecordedRequest, Reply, Route } from './stand-ins.js';

const GREEK = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'omicron',
  'sigma',
  'upsilon',
  'omega',
];
/** Topic words: the Greek letters above, then `topic0` … `topic63`. */
const TOPICS = new Map<string, number>([
  ...GREEK.map((w, i): [string, number] => [w, i]),
  ...Array.from({ length: 64 }, (_, i): [string, number] => [`topic${i}`, GREEK.length + i]),
]);
export const TOPIC_DIMENSIONS = 96;

/**
 * A deterministic embedding: the unit vector of the first topic word of the text (whole words:
 * `beta` is not `eta`) plus a little noise from its hash, so reports of one topic are ~0.99 similar
 * and of different topics ~0. A text without a topic word gets a hash-seeded random direction, so
 * it is nobody's neighbour.
 */
export function topicVector(text: string, dims = TOPIC_DIMENSIONS): number[] {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const topic = words.map((w) => TOPICS.get(w)).find((t) => t !== undefined);
  const seed = createHash('sha256').update(text).digest().readUInt32LE(0);
  const random = mulberry32(seed);
  const amplitude = topic === undefined ? 1 : 0.02;
  const v = Array.from({ length: dims }, () => (random() - 0.5) * amplitude);
  if (topic !== undefined) v[topic % dims] = (v[topic % dims] as number) + 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / norm);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A chat completion as OpenAI answers it, with `content` as the assistant's message. */
export function chatCompletion(content: string, model = 'test-llm'): Reply {
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_767_225_600,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    },
  };
}

/** A 500 as OpenAI sends it; `retry-after-ms: 0` keeps the client's own retries instant. */
export const SERVER_ERROR: Reply = {
  status: 500,
  headers: { 'retry-after-ms': '0' },
  body: {
    error: { message: 'The server had an error while processing your request.', type: 'server_error' },
  },
};

/** What the OpenAI stand-in does: fail, hold answers until released, or answer chat with a digest. */
export interface OpenAiApiControl {
  /** Embeddings answer 500 while set. */
  failEmbeddings: boolean;
  /** Embedding answers wait for this promise while set. */
  hold: Promise<void> | undefined;
  /** The assistant's answer to `/chat/completions`, by the request. */
  chat: (req: RecordedRequest) => Reply;
  /** Texts embedded so far (cache misses only). */
  embedded: string[];
}

export function openAiControl(): OpenAiApiControl {
  return {
    failEmbeddings: false,
    hold: undefined,
    chat: () => chatCompletion('{"title":"Stand-in title","summary":"A summary the stand-in wrote."}'),
    embedded: [],
  };
}

/** `POST /v1/embeddings` (topic vectors) and `POST /v1/chat/completions` of an OpenAI-compatible server. */
export function openAiApi(control: OpenAiApiControl): Route {
  return async (req) => {
    if (req.method === 'POST' && req.path === '/v1/chat/completions') return control.chat(req);
    if (req.method !== 'POST' || req.path !== '/v1/embeddings') {
      return { status: 404, body: { error: { message: 'Not found', type: 'invalid_request_error' } } };
    }
    if (control.hold) await control.hold;
    if (control.failEmbeddings) return SERVER_ERROR;
    const body = JSON.parse(req.body) as { model: string; input: string[] };
    control.embedded.push(...body.input);
    return {
      body: {
        object: 'list',
        data: body.input.map((text, index) => ({ object: 'embedding', index, embedding: topicVector(text) })),
        model: body.model,
        usage: { prompt_tokens: body.input.length * 8, total_tokens: body.input.length * 8 },
      },
    };
  };
}
