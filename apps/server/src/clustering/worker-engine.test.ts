import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputeOp, ComputeOps } from './compute-ops.js';
import { ComputeThread } from './compute-thread.js';
import { InProcessEngine } from './in-process-engine.js';
import { WorkerEngine } from './worker-engine.js';

function unit(seed: number, d: number): Float32Array {
  const v = new Float32Array(d);
  let x = seed;
  let n = 0;
  for (let i = 0; i < d; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v[i] = x / 2147483648 - 0.5;
    n += (v[i] as number) ** 2;
  }
  for (let i = 0; i < d; i++) v[i] = (v[i] as number) / Math.sqrt(n);
  return v;
}

/** Clustered data: `groups` directions, members near them. */
function dataset(count: number, groups: number, d: number): Float32Array[] {
  const centers = Array.from({ length: groups }, (_, g) => unit(g + 1, d));
  return Array.from({ length: count }, (_, i) => {
    const c = centers[i % groups] as Float32Array;
    const noise = unit(10_000 + i, d);
    const v = c.map((x, k) => x + 0.3 * (noise[k] as number));
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / n);
  });
}

const engine = new WorkerEngine();
afterAll(() => engine.close());

describe('WorkerEngine', () => {
  it('gives the same assignment as the core on the calling thread', async () => {
    const d = 64;
    const existing = dataset(120, 12, d);
    const clusters = Array.from({ length: 12 }, (_, g) => {
      const sum = new Float32Array(d);
      let size = 0;
      existing.forEach((v, i) => {
        if (i % 12 === g) {
          for (let k = 0; k < d; k++) sum[k] = (sum[k] as number) + (v[k] as number);
          size++;
        }
      });
      return { sum, size };
    });
    const fresh = [...dataset(40, 12, d), ...dataset(20, 20, d).slice(12)];
    const input = { clusters, vectors: fresh, simThreshold: 0.6, method: 'agglomerative' as const };
    const inThread = await engine.assign(input);
    expect(inThread).toEqual(await new InProcessEngine().assign(input));
    expect(inThread.targets.filter((t) => 'existing' in t).length).toBeGreaterThan(30);
    // The caller's vectors are untouched (the engine transfers copies, not them).
    expect((fresh[0] as Float32Array).length).toBe(d);
  });

  it('keeps the event loop free while it works', async () => {
    const d = 512;
    const clusters = dataset(4_000, 400, d).map((sum) => ({ sum, size: 1 }));
    const vectors = dataset(1_000, 97, d);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await engine.assign({ clusters, vectors, simThreshold: 0.7, method: 'agglomerative' });
    const ms = performance.now() - started;
    clearInterval(timer);
    // A blocked loop would tick once at the end; a free one about every 5 ms.
    expect(ticks).toBeGreaterThan(Math.min(10, ms / 20));
  });

  it('answers nothing for nothing, and works again after being closed', async () => {
    expect(await engine.assign({ clusters: [], vectors: [], simThreshold: 0.5, method: 'centroid' })).toEqual(
      {
        targets: [],
        groups: 0,
      },
    );
    await engine.close();
    const v = dataset(3, 3, 16);
    expect(
      (await engine.assign({ clusters: [], vectors: v, simThreshold: 0.99, method: 'centroid' })).groups,
    ).toBe(3);
  });
});

/** Counts the event loop's turns until the engine hands its request to the thread. */
class CountingThread extends ComputeThread {
  turnsAtCall = -1;
  turns = 0;
  override call<K extends ComputeOp>(op: K, request: ComputeOps[K]['request'], transfer?: ArrayBuffer[]) {
    this.turnsAtCall = this.turns;
    return super.call(op, request, transfer);
  }
}

describe('WorkerEngine packing', () => {
  it('packs a large input a slice at a time, letting the event loop turn in between', async () => {
    const counting = new CountingThread();
    const engine = new WorkerEngine(counting);
    const d = 4608;
    // 1,500 vectors of 18 KB: 27 MB to pack, several slices.
    const vectors = Array.from({ length: 1_500 }, (_, i) => {
      const v = new Float32Array(d);
      v[i % d] = 1;
      return v;
    });
    let done = false;
    const assigned = engine
      .assign({ clusters: [], vectors, simThreshold: 0.5, method: 'centroid' })
      .finally(() => {
        done = true;
      });
    while (!done) {
      await nextTurn();
      counting.turns++;
    }
    const { groups } = await assigned;
    expect(groups).toBe(1_500);
    expect(counting.turnsAtCall).toBeGreaterThan(2);
    await engine.close();
  });
});
