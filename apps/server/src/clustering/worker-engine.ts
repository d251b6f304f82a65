import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AssignTarget, ClusteringEngine } from '@fixloop/domain';
import { ComputeThread } from './compute-thread.js';

/** Bytes packed between two turns of the event loop (a few milliseconds of copying). */
const PACK_SLICE_BYTES = 4 << 20;

/**
 * Runs the clustering core on the compute thread, so a large assignment (a thousand reports against
 * tens of thousands of clusters is seconds of SIMD work) never blocks the API's event loop. Inputs
 * are packed into fresh buffers a slice at a time, yielding between slices (a recluster packs
 * hundreds of megabytes), and transferred, not copied.
 */
export class WorkerEngine implements ClusteringEngine {
  constructor(readonly thread: ComputeThread = new ComputeThread()) {}

  async assign(input: Parameters<ClusteringEngine['assign']>[0]): ReturnType<ClusteringEngine['assign']> {
    const m = input.vectors.length;
    if (m === 0) return { targets: [], groups: 0 };
    const d = (input.vectors[0] as Float32Array).length;
    const sizes = Float64Array.from(input.clusters, (c) => c.size);
    const sums = await packRows(
      input.clusters.map((c) => c.sum),
      d,
    );
    const vectors = await packRows(input.vectors, d);
    const reply = await this.thread.call(
      'assign',
      { d, sums, sizes, vectors, simThreshold: input.simThreshold, method: input.method },
      [sums.buffer, sizes.buffer, vectors.buffer],
    );
    const targets: AssignTarget[] = Array.from(reply.targets, (t) =>
      t >= 0 ? { existing: t } : { group: -t - 1 },
    );
    return { targets, groups: reply.groups };
  }

  /** Stops the compute thread (the next call starts it again). */
  close(): Promise<void> {
    return this.thread.close();
  }
}

/** Rows of `d` floats packed one after another, yielding to the event loop every few megabytes. */
async function packRows(rows: readonly Float32Array[], d: number): Promise<Float32Array<ArrayBuffer>> {
  const out = new Float32Array(rows.length * d);
  const perSlice = Math.max(1, Math.floor(PACK_SLICE_BYTES / (4 * Math.max(1, d))));
  for (let i = 0; i < rows.length; i++) {
    out.set((rows[i] as Float32Array).subarray(0, d), i * d);
    if ((i + 1) % perSlice === 0 && i + 1 < rows.length) await nextTurn();
  }
  return out;
}
