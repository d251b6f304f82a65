/**
 * An open-loop load driver: requests leave on a fixed schedule whatever the answers do, and each
 * latency runs from when the request was due, not from when it left, so a stalled server shows as
 * latency instead of as fewer requests (no coordinated omission). Keep-alive `node:http` agents, one
 * per base URL; requests go round-robin over the bases.
 */
import { Agent, request } from 'node:http';
import { percentile } from './bench-support.js';

/** One request: `route` names its row in the results (`GET /clusters/:id`). */
export interface Op {
  route: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** Called with the answer of a 2xx (the driver uses it to learn ids). */
  onOk?: (body: string) => void;
}

export interface LoadOptions {
  bases: string[];
  token: string;
  /** Requests per second over all bases. */
  rate: number;
  durationS: number;
  /** The i-th request of the run. */
  next: (i: number) => Op;
  /** An answer slower than this counts as a timeout. */
  timeoutMs?: number;
  /** Checked before each send: true ends the schedule early (`durationS` is then a ceiling). */
  shouldStop?: () => boolean;
}

/** One answered (or failed) request: when it was due, how long it took, what came back. */
export interface Outcome {
  route: string;
  dueMs: number;
  ms: number;
  status: number;
}

export interface LoadResult {
  outcomes: Outcome[];
  startedAt: number;
  seconds: number;
  /** How late the driver itself sent requests (its own event loop's fault, not the server's). */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
}

/** Runs the schedule and answers when every request has been answered or has timed out. */
export async function runOpenLoop(o: LoadOptions): Promise<LoadResult> {
  const agents = o.bases.map(() => new Agent({ keepAlive: true, maxSockets: 1_024 }));
  const total = Math.max(1, Math.round(o.rate * o.durationS));
  const interval = 1_000 / o.rate;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const outcomes: Outcome[] = [];
  const lags: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const startedAt = Date.now();
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) {
        const due = t0 + sent * interval;
        lags.push(now - due);
        const base = sent % o.bases.length;
        const p = send(o.bases[base] as string, agents[base] as Agent, o.token, o.next(sent), timeoutMs).then(
          (r) => {
            outcomes.push({
              route: r.route,
              dueMs: startedAt + (due - t0),
              ms: r.end - due,
              status: r.status,
            });
          },
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        sent++;
      }
      if (sent >= total || o.shouldStop?.()) return done();
      // setImmediate would spin a core the server needs; a 1 ms timer is late by about 1 ms.
      setTimeout(tick, Math.max(0, Math.min(interval, t0 + sent * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  for (const a of agents) a.destroy();
  lags.sort((a, b) => a - b);
  return {
    outcomes,
    startedAt,
    seconds: (performance.now() - t0) / 1_000,
    sendLagP99Ms: percentile(lags, 99),
    sendLagMaxMs: lags.at(-1) ?? 0,
  };
}

function send(
  base: string,
  agent: Agent,
  token: string,
  op: Op,
  timeoutMs: number,
): Promise<{ route: string; status: number; end: number }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      resolve({ route: op.route, status, end: performance.now() });
    };
    const req = request(
      `${base}${op.path}`,
      {
        method: op.method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(op.body === undefined
            ? {}
            : {
                'content-type': op.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(op.body),
              }),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) op.onOk?.(Buffer.concat(chunks).toString('utf8'));
          finish(status);
        });
        res.on('error', () => finish(-1));
      },
    );
    // -1: connection error; -2: timed out.
    req.on('timeout', () => {
      req.destroy();
      finish(-2);
    });
    req.on('error', () => finish(-1));
    req.end(op.body);
  });
}

/** Latency percentiles of a set of outcomes (ms), over the 2xx answers only. */
export function latencyOf(outcomes: Outcome[]): { n: number; p50: number; p99: number; max: number } {
  const ms = outcomes
    .filter((x) => x.status >= 200 && x.status < 300)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1) ?? Number.NaN };
}

/** What did not answer 2xx, by kind: `404×3 timeout×1`; `none` when everything did. */
export function failuresOf(outcomes: Outcome[]): string {
  const by = new Map<string, number>();
  for (const x of outcomes) {
    if (x.status >= 200 && x.status < 300) continue;
    const kind = x.status === -1 ? 'conn-error' : x.status === -2 ? 'timeout' : String(x.status);
    by.set(kind, (by.get(kind) ?? 0) + 1);
  }
  return by.size === 0
    ? 'none'
    : [...by.entries()]
        .sort()
        .map(([k, n]) => `${k}×${n}`)
        .join(' ');
}

/** Prints per-route rows (count, achieved rate, p50, p99, max, failures) and a total row. */
export function printRoutes(title: string, r: LoadResult): void {
  const routes = [...new Set(r.outcomes.map((x) => x.route))].sort();
  const width = Math.max(24, ...routes.map((x) => x.length));
  const cells = (xs: Array<string | number>) => xs.map((x) => String(x).padStart(9)).join('');
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : String(Math.round(x)));
  console.log(`\n${title}`);
  console.log(
    `  ${'route'.padEnd(width)}${cells(['n', 'req/s', 'p50 ms', 'p99 ms', 'max ms'])}  non-2xx/errors`,
  );
  const row = (name: string, xs: Outcome[]) => {
    const l = latencyOf(xs);
    const rate = xs.length / r.seconds;
    console.log(
      `  ${name.padEnd(width)}${cells([xs.length, rate.toFixed(1), fmt(l.p50), fmt(l.p99), fmt(l.max)])}  ${failuresOf(xs)}`,
    );
  };
  for (const route of routes)
    row(
      route,
      r.outcomes.filter((x) => x.route === route),
    );
  row('all', r.outcomes);
  const ok = r.outcomes.filter((x) => x.status >= 200 && x.status < 300).length;
  console.log(
    `  achieved: ${(ok / r.seconds).toFixed(1)} 2xx/s over ${r.seconds.toFixed(1)} s; ` +
      `driver send lag p99 ${r.sendLagP99Ms.toFixed(1)} ms, max ${r.sendLagMaxMs.toFixed(1)} ms`,
  );
}
