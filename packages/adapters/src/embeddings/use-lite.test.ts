import { type Logger, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { UseLiteEmbedder, type UseLiteEmbedderOptions } from './use-lite.js';

const open: UseLiteEmbedder[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

function embedder(opts: UseLiteEmbedderOptions = {}): UseLiteEmbedder {
  const e = new UseLiteEmbedder(opts);
  open.push(e);
  return e;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('UseLiteEmbedder with the model from the npm package', () => {
  it('embeds offline into 512-d unit vectors where paraphrases are closest', async () => {
    const e = embedder({ workerUrl: new URL('./fixtures/offline-use-lite-worker.ts', import.meta.url) });
    const [save1, save2, theme] = (await e.embed([
      'The app crashes when I click the save button',
      'Clicking save makes the application crash',
      'I love the colours of the new dark theme',
    ])) as [Float32Array, Float32Array, Float32Array];

    expect(e.id).toBe('local:use-lite');
    expect(e.dimensions).toBe(512);
    for (const v of [save1, save2, theme]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    expect(dot(save1, save2)).toBeGreaterThan(dot(save1, theme) + 0.2);
    expect(dot(save1, save2)).toBeGreaterThan(dot(save2, theme) + 0.2);
  });

  it('keeps the event loop responsive while it embeds', async () => {
    const e = embedder();
    await e.warmUp();
    const body =
      'When I open the settings page and change the sync interval the app freezes for a while. '.repeat(5);
    const texts = Array.from({ length: 24 }, (_, i) => `${body} report ${i}`);

    let last = performance.now();
    let longestGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    const vectors = await e.embed(texts);
    const elapsed = performance.now() - started;
    clearInterval(timer);

    expect(vectors).toHaveLength(24);
    // Inference takes about a second here; on the main thread no tick could fire meanwhile.
    expect(elapsed).toBeGreaterThan(500);
    expect(longestGap).toBeLessThan(250);
    expect(ticks).toBeGreaterThan(elapsed / 50);
  });
});

describe('UseLiteEmbedder worker management (stand-in worker)', () => {
  const fake = new URL('./fixtures/fake-use-lite-worker.ts', import.meta.url);
  const axis = (v: Float32Array) => v.indexOf(1);

  it('batches, queues concurrent calls and keeps every order', async () => {
    const e = embedder({ workerUrl: fake, batchSize: 4 });
    const a = Array.from({ length: 10 }, (_, i) => 'a'.repeat(i + 1));
    const b = Array.from({ length: 5 }, (_, i) => 'b'.repeat(100 + i));
    const [va, vb] = await Promise.all([e.embed(a), e.embed(b)]);
    expect(va.map(axis)).toEqual(a.map((t) => t.length));
    expect(vb.map(axis)).toEqual(b.map((t) => t.length));
    expect(await e.embed([])).toEqual([]);
  });

  it('cuts texts longer than maxChars', async () => {
    const e = embedder({ workerUrl: fake, maxChars: 50 });
    const [v] = await e.embed(['x'.repeat(400)]);
    expect(axis(v as Float32Array)).toBe(50);
  });

  it('restarts a worker that died, retries its batch once, and serves the queue after it', async () => {
    const warnings: object[] = [];
    const log: Logger = {
      info: () => {},
      debug: () => {},
      error: () => {},
      warn: (obj) => void warnings.push(obj),
    };
    const e = embedder({ workerUrl: fake, log });
    const crashing = e.embed(['__crash__']).catch((err: unknown) => err);
    const queued = e.embed(['ok']);

    const err = (await crashing) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toBe('the USE-lite worker died (exit code 3)');
    expect(warnings).toEqual([
      { code: 3, crashes: 1 },
      { code: 3, crashes: 2 },
    ]);
    expect((await queued).map(axis)).toEqual([2]);
    expect((await e.embed(['again'])).map(axis)).toEqual([5]);
  });

  it('reports a batch the worker could not embed and carries on', async () => {
    const e = embedder({ workerUrl: fake });
    await expect(e.embed(['__fail__'])).rejects.toMatchObject({
      retryable: false,
      message: 'USE-lite failed: Error: cannot embed this',
    });
    expect((await e.embed(['fine'])).map(axis)).toEqual([4]);
  });

  it('close() rejects pending and later calls', async () => {
    const e = embedder({ workerUrl: fake, batchSize: 1 });
    const pending = e.embed(['a', 'b', 'c']).catch((err: unknown) => err);
    await e.close();
    expect(await pending).toBeInstanceOf(UpstreamError);
    await expect(e.embed(['d'])).rejects.toThrow('closed');
  });
});
