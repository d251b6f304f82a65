/**
 * Loaded into a benchmarked server process with `--import`: watches its event loop and, on SIGUSR2,
 * writes what it saw since the last signal to `$BENCH_LOOP_PROBE_DIR/<pid>.json`, then starts over:
 * the delay's p99 and max (ms), and the stalls over 50 ms (count and total ms). The file exists
 * from the moment the handler is in place. A histogram's p99
 * hides a few long stalls among thousands of samples; the stall count does not. Bench-only; the
 * server knows nothing of it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.BENCH_LOOP_PROBE_DIR;
const TICK_MS = 10;
const STALL_MS = 50;
if (dir) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let stalls = 0;
  let stalledMs = 0;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    last = now;
    if (late > STALL_MS) {
      stalls++;
      stalledMs += late;
    }
  }, TICK_MS).unref();
  const file = join(dir, `${process.pid}.json`);
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const stats = {
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      stalls,
      stalledMs: Math.round(stalledMs),
      at: Date.now(),
    };
    writeFileSync(file, JSON.stringify(stats));
    h.reset();
    stalls = 0;
    stalledMs = 0;
  });
  // The file's presence says the handler is in place: a signal before that would end the process.
  writeFileSync(file, JSON.stringify({ at: 0 }));
}
