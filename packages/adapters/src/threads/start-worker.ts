import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from a module. A compiled build runs the .js worker as it is. A TypeScript
 * worker needs tsx inside its own thread, and `execArgv: ['--import', 'tsx']` does not give it that
 * on Node 20 (tsx registers its hooks only on the main thread there), so a bootstrap registers tsx's
 * ESM hooks and then imports the worker.
 */
export function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** The URL of a sibling module with this file's own extension (`.ts` from source, `.js` when built). */
export function siblingModule(base: string, name: string): URL {
  const ext = extname(fileURLToPath(base));
  return new URL(`./${name}${ext}`, base);
}
