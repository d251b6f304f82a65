import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

const fixture = new URL('./fixtures/priority-worker.ts', import.meta.url);

async function prioritiesOf(background: boolean): Promise<{ thread: number; main: number }> {
  const worker = startWorker(fixture, { background });
  const [answer] = (await once(worker, 'message')) as [{ thread: number; main: number }];
  await worker.terminate();
  return answer;
}

// Per-thread priorities are a Linux feature; elsewhere a background thread simply runs at the usual one.
describe.runIf(existsSync('/proc/thread-self'))('startWorker', () => {
  it('runs a background thread at the lowest CPU priority, and leaves the main thread’s alone', async () => {
    const main = (await prioritiesOf(false)).main;
    expect(await prioritiesOf(true)).toEqual({ thread: 19, main });
    expect(await prioritiesOf(false)).toEqual({ thread: main, main });
  });
});
