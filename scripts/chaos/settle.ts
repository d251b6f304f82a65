const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until nothing moves (twice in a row, a second apart) or `timeoutMs` passes; `moving`
 * answers what still moves (empty when settled). Prints what it waits for every ten seconds.
 */
export async function settle(
  moving: () => Promise<string[]>,
  nudge: () => Promise<void>,
  timeoutMs: number,
): Promise<{ moving: string[]; settleMs: number }> {
  const started = Date.now();
  let lastPrint = started;
  let lastNudge = started;
  let calm = 0;
  let now: string[] = [];
  for (;;) {
    now = await moving();
    calm = now.length === 0 ? calm + 1 : 0;
    if (calm >= 2 || Date.now() - started > timeoutMs) break;
    if (now.length > 0 && Date.now() - lastNudge >= 3_000) {
      lastNudge = Date.now();
      await nudge();
    }
    if (now.length > 0 && Date.now() - lastPrint >= 10_000) {
      lastPrint = Date.now();
      console.log(`  settling (${Math.round((lastPrint - started) / 1000)} s): ${now.join('; ')}`);
    }
    await sleep(1_000);
  }
  // The second calm look came a second after the first: the system was settled at the first.
  return { moving: now, settleMs: Math.max(0, Date.now() - started - (calm >= 2 ? 1_000 : 0)) };
}
