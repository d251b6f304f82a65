import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface StartWorkerOptions {
  /**
   * The thread does background work (inference, clustering): it lowers its own CPU priority to
   * nice 19 where a thread can have one of its own (Linux), so that when the cores are busy the
   * API's event loop and Redis run first. Idle cores still go to it in full.
   */
  background?: boolean;
}

/** Runs first in a background thread; a platform without per-thread priorities just skips it. */
const LOWER_PRIORITY =
  "try { const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()); " +
  "if (tid > 0) require('node:os').setPriority(tid, 19); } catch {}\n";

/**
 * Starts a worker thread from a module. A compiled build runs the .js worker as it is. A TypeScript
 * worker needs tsx inside its own thread, and `execArgv: ['--import', 'tsx']` does not give it that
 * on Node 20 (tsx registers its hooks only on the main thread there), so a bootstrap registers tsx's
 * ESM hooks and then imports the worker.
 */
export function startWorker(url: URL, options: StartWorkerOptions = {}): Worker {
  const first = options.background ? LOWER_PRIORITY : '';
  if (!url.pathname.endsWith('.ts')) {
    return first
      ? new Worker(`${first}import(${JSON.stringify(url.href)});`, { eval: true })
      : new Worker(url);
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `${first}import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** The URL of a sibling module with this file's own extension (`.ts` from source, `.js` when built). */
export function siblingModule(base: string, name: string): URL {
  const ext = extname(fileURLToPath(base));
  return new URL(`./${name}${ext}`, base);
}
