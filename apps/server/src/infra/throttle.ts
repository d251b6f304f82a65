/**
 * Calls `fn(key)` at most once per `ms` per key, and always once more after the last call of a
 * burst (trailing), so the final state is never missed. Errors go to `onError`.
 */
export class KeyedThrottle {
  private readonly last = new Map<string, number>();
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ms: number,
    private readonly fn: (key: string) => Promise<void>,
    private readonly onError: (err: unknown, key: string) => void,
  ) {}

  call(key: string): void {
    const now = Date.now();
    const since = now - (this.last.get(key) ?? 0);
    if (since >= this.ms) {
      this.last.set(key, now);
      this.fn(key).catch((err: unknown) => this.onError(err, key));
      return;
    }
    if (this.trailing.has(key)) return;
    const timer = setTimeout(() => {
      this.trailing.delete(key);
      this.last.set(key, Date.now());
      this.fn(key).catch((err: unknown) => this.onError(err, key));
    }, this.ms - since);
    timer.unref();
    this.trailing.set(key, timer);
  }

  close(): void {
    for (const t of this.trailing.values()) clearTimeout(t);
    this.trailing.clear();
  }
}
