import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '@fixloop/adapters';
import type { ComputeOp, ComputeOps } from './compute-ops.js';
import type { ComputeAnswer, ComputeCall } from './engine-worker.js';

interface Pending {
  worker: Worker;
  resolve: (reply: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * The clustering compute thread, seen from the main thread: assignment, the hybrid representation's
 * arithmetic and offline digests run there, at the lowest CPU priority, so the API's event loop only
 * posts buffers and reads answers and is first in line for a core. Started on the first call; kept from holding the process open while idle; a crashed
 * thread fails its pending calls and is started again on the next one.
 */
export class ComputeThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Runs `op`; the buffers in `transfer` are handed over to the thread (unusable here afterwards). */
  call<K extends ComputeOp>(
    op: K,
    request: ComputeOps[K]['request'],
    transfer: ArrayBuffer[] = [],
  ): Promise<ComputeOps[K]['reply']> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve: resolve as (reply: unknown) => void, reject });
      worker.ref();
      const call: ComputeCall = { id, op, request };
      worker.postMessage(call, [...new Set(transfer)]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(siblingModule(import.meta.url, 'engine-worker'), { background: true });
    worker.unref();
    worker.on('message', (answer: ComputeAnswer) => {
      const p = this.pending.get(answer.id);
      if (!p) return;
      this.pending.delete(answer.id);
      if (![...this.pending.values()].some((q) => q.worker === worker)) worker.unref();
      if ('error' in answer) p.reject(new Error(`clustering compute thread: ${answer.error}`));
      else p.resolve(answer.reply);
    });
    // Only this thread's calls fail: calls made since to a fresh thread go on.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the clustering compute thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
