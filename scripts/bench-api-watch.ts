/**
 * What `bench:api` watches besides latency, window by window: each server process's event loop
 * (through `bench-loop-probe.ts`, loaded into it) and Redis (commands over 5 ms, its own stalls such
 * as a fork for an AOF rewrite, forks, CPU, memory, and the round trip of a PING every 20 ms).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { percentile } from './bench-support.js';

interface LoopStats {
  p99: number;
  max: number;
  stalls: number;
  stalledMs: number;
  at: number;
}

export class ServerWatch {
  private readonly redis: Redis;
  private readonly pinger: Redis;
  private pings: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private forks = 0;
  private cpu = 0;

  constructor(
    redisUrl: string,
    private readonly processes: Array<{ name: string; pid: number | undefined; exited: () => boolean }>,
    private readonly probeDir: string,
  ) {
    this.redis = new Redis(redisUrl);
    this.pinger = new Redis(redisUrl);
    this.timer = setInterval(() => {
      const t0 = performance.now();
      this.pinger.ping().then(
        () => this.pings.push(performance.now() - t0),
        () => {},
      );
    }, 20);
  }

  async start(): Promise<void> {
    await this.redis.config('SET', 'slowlog-log-slower-than', '5000');
    await this.redis.config('SET', 'slowlog-max-len', '10000');
    await this.redis.config('SET', 'latency-monitor-threshold', '20');
    await this.snapshot();
  }

  /** What happened since the last call, one line per source. */
  async snapshot(): Promise<string[]> {
    return [await this.loops(), await this.redisLine()];
  }

  close(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
    this.pinger.disconnect();
  }

  private async loops(): Promise<string> {
    const asked = Date.now();
    const parts: string[] = [];
    for (const p of this.processes) {
      const file = join(this.probeDir, `${p.pid}.json`);
      // No file yet: the process is still starting and has no handler for the signal.
      if (p.pid === undefined || p.exited() || !existsSync(file)) continue;
      process.kill(p.pid, 'SIGUSR2');
      const s = await this.readProbe(file, asked);
      if (s)
        parts.push(`${p.name} p99 ${s.p99} max ${s.max} ms, ${s.stalls} stalls > 50 ms (${s.stalledMs} ms)`);
    }
    return `event loop: ${parts.join('; ')}`;
  }

  /** A blocked loop answers the signal late: waits for the file written after `asked`. */
  private async readProbe(file: string, asked: number): Promise<LoopStats | undefined> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        if (statSync(file).mtimeMs >= asked - 5) {
          const s = JSON.parse(readFileSync(file, 'utf8')) as LoopStats;
          if (s.at >= asked) return s;
        }
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }

  private async redisLine(): Promise<string> {
    const entries = (await this.redis.call('SLOWLOG', 'GET', '-1')) as Array<
      [number, number, number, string[]]
    >;
    await this.redis.call('SLOWLOG', 'RESET');
    const worst = new Map<string, number>();
    for (const [, , us, args] of entries) {
      const cmd = String(args[0]).toLowerCase();
      worst.set(cmd, Math.max(worst.get(cmd) ?? 0, us));
    }
    const slow = [...worst.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, us]) => `${c} ${Math.round(us / 1000)}`);
    const events = (await this.redis.call('LATENCY', 'LATEST')) as Array<[string, number, number, number]>;
    await this.redis.call('LATENCY', 'RESET');
    const info = await this.redis.info();
    const num = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    const forks = num('total_forks');
    const cpu = num('used_cpu_sys') + num('used_cpu_user');
    const pings = this.pings.sort((a, b) => a - b);
    this.pings = [];
    const line =
      `redis: ping p99 ${percentile(pings, 99).toFixed(1)} max ${(pings.at(-1) ?? 0).toFixed(0)} ms; ` +
      `${entries.length} commands > 5 ms${slow.length ? ` (${slow.join(', ')} ms)` : ''}; ` +
      `stalls ${events.length ? events.map(([e, , , max]) => `${e} ${max}`).join(', ') : 'none'}${events.length ? ' ms' : ''}; ` +
      `${forks - this.forks} forks; ${(cpu - this.cpu).toFixed(1)} s CPU; ${Math.round(num('used_memory') / 2 ** 20)} MB`;
    this.forks = forks;
    this.cpu = cpu;
    return line;
  }
}
