import { existsSync, readFileSync } from 'node:fs';

/** What the keeper reports: each restart, and each failed attempt (it keeps trying). */
export interface KeeperEvents {
  onRestarted(info: { pid: number; downMs: number; restarts: number }): void;
  onRestartFailed(err: unknown, attempt: number): void;
}

export interface KeeperOptions {
  /** The server's pid when the keeper starts watching. */
  pid: number;
  /** Starts a fresh server (or adopts one that answers already) and answers its pid once it is ready. */
  revive: () => Promise<number>;
  events: KeeperEvents;
  checkEveryMs?: number;
  /** Longest pause between failed restart attempts. */
  maxBackoffMs?: number;
}

export interface Keeper {
  pid(): number;
  restarts(): number;
  /** Stops watching (and waits for a restart in progress), so the caller can shut the server down. */
  stop(): Promise<void>;
}

/**
 * Watches a redis-server process and brings it back when it dies (crash, OOM kill, `kill -9`):
 * the managed Redis is the process's database, and a database that stays down turns every request
 * into a 503. Death is read from the process table, never from a slow PING, so a busy server is
 * never started twice on one data dir.
 */
export function keepRedisAlive(opts: KeeperOptions): Keeper {
  const checkEveryMs = opts.checkEveryMs ?? 200;
  const maxBackoffMs = opts.maxBackoffMs ?? 5_000;
  let pid = opts.pid;
  let restarts = 0;
  let stopped = false;
  let reviving: Promise<void> | undefined;

  const revive = async () => {
    const downSince = Date.now();
    for (let attempt = 1; !stopped; attempt++) {
      try {
        pid = await opts.revive();
        restarts++;
        opts.events.onRestarted({ pid, downMs: Date.now() - downSince, restarts });
        return;
      } catch (err) {
        opts.events.onRestartFailed(err, attempt);
        await new Promise((r) => setTimeout(r, Math.min(maxBackoffMs, 100 * 2 ** attempt)));
      }
    }
  };
  const timer = setInterval(() => {
    if (stopped || reviving || processAlive(pid)) return;
    reviving = revive().finally(() => {
      reviving = undefined;
    });
  }, checkEveryMs);
  timer.unref();

  return {
    pid: () => pid,
    restarts: () => restarts,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await reviving;
    },
  };
}

/**
 * Whether `pid` is a live redis-server: it exists, is not a zombie waiting to be reaped (an adopted
 * server's parent is gone), and — where /proc tells — is still Redis rather than a reused pid.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!existsSync('/proc/self/stat')) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    if (state === 'Z' || state === 'X') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis');
  } catch {
    return false;
  }
}
