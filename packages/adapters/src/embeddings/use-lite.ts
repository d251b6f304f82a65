import type { Worker } from 'node:worker_threads';
import { type Embedder, type Logger, UpstreamError } from '@fixloop/domain';
import { siblingModule, startWorker } from '../threads/start-worker.js';
import { chunk } from './unit-vector.js';
import type { UseLiteReply, UseLiteRequest } from './use-lite-worker.js';

export interface UseLiteEmbedderOptions {
  /** Texts per inference call (default 32). */
  batchSize?: number;
  /** Longer texts are cut to this many characters: inference cost grows with length (default 4000). */
  maxChars?: number;
  /** How often a batch is retried on a fresh worker after the worker died under it (default 1). */
  retriesAfterCrash?: number;
  /** The worker script (tests substitute a stand-in); default: `use-lite-worker` beside this file. */
  workerUrl?: URL;
  log?: Logger;
}

interface Job {
  texts: string[];
  crashes: number;
  resolve(vectors: Float32Array[]): void;
  reject(err: Error): void;
}

/**
 * Universal Sentence Encoder lite (512-d, from the npm registry, no network) in a worker thread:
 * inference blocks its thread for tens of milliseconds per text, which must not be the API's.
 * Batches queue up and run one at a time; a worker that dies is replaced on the next batch.
 */
export class UseLiteEmbedder implements Embedder {
  readonly id = 'local:use-lite';
  readonly dimensions = 512;
  private readonly queue: Job[] = [];
  private current: { id: number; job: Job } | undefined;
  private worker: Worker | undefined;
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: UseLiteEmbedderOptions = {}) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.closed) throw new UpstreamError('use-lite', 'the USE-lite embedder is closed', false);
    const maxChars = this.opts.maxChars ?? 4000;
    const cut = texts.map((t) => (t.length > maxChars ? t.slice(0, maxChars) : t));
    const batches = chunk(cut, this.opts.batchSize ?? 32).map((batch) => this.enqueue(batch));
    return (await Promise.all(batches)).flat();
  }

  /** Starts the worker and loads the model now rather than on the first batch. */
  async warmUp(): Promise<void> {
    await this.embed(['warm up']);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const job of pending)
      job.reject(new UpstreamError('use-lite', 'the USE-lite embedder closed', false));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private enqueue(texts: string[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, crashes: 0, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      // Idle: an idle worker must not keep the process alive.
      this.worker?.unref();
      return;
    }
    const worker = this.worker ?? this.spawn();
    worker.ref();
    this.current = { id: ++this.seq, job };
    const req: UseLiteRequest = { id: this.current.id, texts: job.texts };
    worker.postMessage(req);
  }

  private spawn(): Worker {
    // Inference keeps a core busy for as long as a batch lasts: it gives way to the API's thread.
    const worker = startWorker(this.opts.workerUrl ?? defaultWorkerUrl(), { background: true });
    worker.on('message', (reply: UseLiteReply) => this.settle(reply));
    worker.on('error', (err) => this.opts.log?.error({ err }, 'USE-lite worker failed'));
    worker.on('exit', (code) => this.onExit(worker, code));
    this.worker = worker;
    return worker;
  }

  private settle(reply: UseLiteReply): void {
    const current = this.current;
    if (!current || current.id !== reply.id) return;
    this.current = undefined;
    if (reply.ok) current.job.resolve(reply.vectors);
    else current.job.reject(new UpstreamError('use-lite', `USE-lite failed: ${reply.message}`, false));
    this.pump();
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return; // terminated by close()
    this.worker = undefined;
    const current = this.current;
    this.current = undefined;
    if (current) {
      const { job } = current;
      job.crashes++;
      this.opts.log?.warn(
        { code, crashes: job.crashes },
        'USE-lite worker exited during a batch; restarting it',
      );
      if (job.crashes <= (this.opts.retriesAfterCrash ?? 1)) this.queue.unshift(job);
      else job.reject(new UpstreamError('use-lite', `the USE-lite worker died (exit code ${code})`, false));
    }
    this.pump();
  }
}

function defaultWorkerUrl(): URL {
  return siblingModule(import.meta.url, 'use-lite-worker');
}
