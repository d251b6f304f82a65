import { parentPort } from 'node:worker_threads';
import { assignIncremental } from '@fixloop/clustering';
import type { EngineReply, EngineRequest } from './worker-engine.js';

/** The clustering engine's thread: runs the pure core on what the main thread sends. */
const port = parentPort;
if (port) {
  port.on('message', (request: EngineRequest) => {
    try {
      const { d, sums, sizes, vectors, simThreshold, method } = request;
      const k = sizes.length;
      const clusters = Array.from({ length: k }, (_, i) => ({
        sum: sums.subarray(i * d, (i + 1) * d),
        size: sizes[i] as number,
      }));
      const result = assignIncremental({
        clusters,
        vectors: { data: vectors, n: vectors.length / d, d },
        simThreshold,
        method,
      });
      const targets = new Int32Array(result.targets.length);
      result.targets.forEach((t, i) => {
        targets[i] = 'existing' in t ? t.existing : -(t.group + 1);
      });
      const reply: EngineReply = { id: request.id, targets, groups: result.groups.length };
      port.postMessage(reply, [targets.buffer]);
    } catch (err) {
      const reply: EngineReply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    }
  });
}
