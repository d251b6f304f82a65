import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '@fixloop/adapters';
import type { AssignTarget, ClusteringEngine } from '@fixloop/domain';

export interface EngineRequest {
  id: number;
  d: number;
  /** Member-sum vectors of the existing clusters, packed row after row. */
  sums: Float32Array;
  sizes: Float64Array;
  /** The new unit vectors, packed row after row. */
  vectors: Float32Array;
  simThreshold: number;
  method: 'agglomerative' | 'centroid' | 'vector_like';
}

export type EngineReply = { id: number; targets: Int32Array; groups: number } | { id: number; error: string };

interface Pending {
  resolve: (r: { targets: AssignTarget[]; groups: number }) => void;
  reject: (err: Error) => void;
}

/**
 * Runs the clustering core on a worker thread, so a large assignment (a thousand reports against
 * tens of thousands of clusters is seconds of SIMD work) never blocks the API's event loop. Inputs
 * are packed into fresh buffers and transferred, not copied; a crashed thread fails its calls and is
 * started again on the next one.
 */
export class WorkerEngine implements ClusteringEngine {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  async assign(input: Parameters<ClusteringEngine['assign']>[0]): ReturnType<ClusteringEngine['assign']> {
    const m = input.vectors.length;
    if (m === 0) return { targets: [], groups: 0 };
    const d = (input.vectors[0] as Float32Array).length;
    const k = input.clusters.length;
    const sums = new Float32Array(k * d);
    const sizes = new Float64Array(k);
    input.clusters.forEach((c, i) => {
      sums.set(c.sum.subarray(0, d), i * d);
      sizes[i] = c.size;
    });
    const vectors = new Float32Array(m * d);
    for (const [i, v] of input.vectors.entries()) vectors.set(v, i * d);
    const id = this.nextId++;
    const request: EngineRequest = {
      id,
      d,
      sums,
      sizes,
      vectors,
      simThreshold: input.simThreshold,
      method: input.method,
    };
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request, [sums.buffer, sizes.buffer, vectors.buffer]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(siblingModule(import.meta.url, 'engine-worker'));
    worker.unref();
    worker.on('message', (reply: EngineReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('error' in reply) p.reject(new Error(`clustering engine: ${reply.error}`));
      else
        p.resolve({
          targets: [...reply.targets].map((t) => (t >= 0 ? { existing: t } : { group: -t - 1 })),
          groups: reply.groups,
        });
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the clustering engine thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
