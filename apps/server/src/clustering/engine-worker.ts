import { parentPort } from 'node:worker_threads';
import { type ComputeOp, type ComputeOps, runComputeOp } from './compute-ops.js';

/** A call to the compute thread. */
export interface ComputeCall {
  id: number;
  op: ComputeOp;
  request: ComputeOps[ComputeOp]['request'];
}

/** Its answer: the reply, or why there is none. */
export type ComputeAnswer = { id: number; reply: unknown } | { id: number; error: string };

/** The clustering compute thread: runs the pure core's heavy work for the main thread, one call at a time. */
const port = parentPort;
if (port) {
  port.on('message', (call: ComputeCall) => {
    try {
      const { reply, transfer } = runComputeOp(call.op, call.request as never);
      const answer: ComputeAnswer = { id: call.id, reply };
      port.postMessage(answer, transfer);
    } catch (err) {
      const answer: ComputeAnswer = { id: call.id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(answer);
    }
  });
}
