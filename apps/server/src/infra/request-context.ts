import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the HTTP request (or of the request that queued the job) whose work is running, carried
 * through async calls: what a request queues is tagged with it without every verb passing it along.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (and everything it starts) as work of `requestId`; without one, outside any request. */
export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId === undefined ? storage.exit(fn) : storage.run({ requestId }, fn);
}

/** The id of the request whose work is running, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** `{ requestId }` for a job payload, or nothing outside a request. */
export function requestIdField(): { requestId?: string } {
  const requestId = currentRequestId();
  return requestId === undefined ? {} : { requestId };
}
