import { readdir, readFile } from 'node:fs/promises';

/** Pids of live (not zombie) processes whose command line contains `marker`. */
export async function livePidsWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replaceAll('\0', ' ').includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/** Waits until no live process mentions `marker` (killed groups take a moment to be reaped). */
export async function waitUntilGone(marker: string, withinMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const pids = await livePidsWith(marker);
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A sleep duration unique to one test, so its processes can be found by command line. */
export function uniqueSleep(): string {
  return `${900 + Math.floor(Math.random() * 99)}.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}
