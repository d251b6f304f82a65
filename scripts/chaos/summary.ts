import type { Snapshot } from './checks.js';
import type { Kill, KillKind } from './kills.js';
import type { Ledger } from './protocol.js';

export interface ChaosSummary {
  fsync: string;
  durationS: number;
  seed: number;
  acknowledged: number;
  acknowledgedByKind: Record<string, number>;
  redditPosts: number;
  stored: number;
  clusters: number;
  clusteringJobs: Record<string, number>;
  agentJobs: Record<string, number>;
  fixesStarted: number;
  kills: Record<KillKind, number>;
  /**
   * Times each came back: the API and the worker once up again after their restart by the run,
   * Redis as counted by the API process's own log (it alone restarts it).
   */
  restarts: Record<KillKind, number>;
  agentJobsRunningAtWorkerKills: number;
  requests: number;
  retries: number;
  statuses: Record<string, number>;
  /** Per kind: the slowest and the mean time from SIGKILL until it was back. */
  recoverMs: Record<KillKind, { max: number; mean: number }>;
  longestWaitForAckMs: number;
  settleMs: number;
  violations: string[];
}

function countBy(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export function summarize(r: {
  options: { fsync: string; durationS: number; seed: number };
  ledger: Ledger;
  kills: Kill[];
  final: Snapshot;
  settleMs: number;
  redisRestarts: number;
  violations: string[];
}): ChaosSummary {
  const per = (kind: KillKind) => r.kills.filter((k) => k.kind === kind);
  const recover = (kind: KillKind) => {
    const ms = per(kind).map((k) => k.recoverMs);
    return {
      max: ms.length ? Math.max(...ms) : 0,
      mean: ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0,
    };
  };
  const kinds: KillKind[] = ['api', 'worker', 'redis'];
  const summary: ChaosSummary = {
    fsync: r.options.fsync,
    durationS: r.options.durationS,
    seed: r.options.seed,
    acknowledged: r.ledger.acknowledged.length,
    acknowledgedByKind: r.ledger.byKind,
    redditPosts: r.ledger.redditPosts.length,
    stored: r.final.items.size,
    clusters: r.final.clusters.size,
    clusteringJobs: countBy(r.final.clusterJobs.values()),
    agentJobs: countBy(r.final.agentJobs.values()),
    fixesStarted: r.ledger.fixesStarted,
    kills: Object.fromEntries(kinds.map((k) => [k, per(k).length])) as Record<KillKind, number>,
    restarts: { api: per('api').length, worker: per('worker').length, redis: r.redisRestarts },
    agentJobsRunningAtWorkerKills: per('worker').reduce((n, k) => n + (k.agentsRunning ?? 0), 0),
    requests: r.ledger.requests,
    retries: r.ledger.retries,
    statuses: r.ledger.statuses,
    recoverMs: Object.fromEntries(kinds.map((k) => [k, recover(k)])) as ChaosSummary['recoverMs'],
    longestWaitForAckMs: r.ledger.longestWaitMs,
    settleMs: r.settleMs,
    violations: r.violations,
  };
  print(summary);
  return summary;
}

function print(s: ChaosSummary): void {
  const line = (k: string, v: unknown) =>
    console.log(`  ${k.padEnd(30)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  console.log(`\nchaos run: fsync=${s.fsync}, ${s.durationS} s, seed ${s.seed}`);
  line('items acknowledged', s.acknowledged);
  line('  by delivery', s.acknowledgedByKind);
  line('reddit posts (via the poller)', s.redditPosts);
  line('items stored', s.stored);
  line('clusters', s.clusters);
  line('clustering jobs', s.clusteringJobs);
  line('agent jobs', s.agentJobs);
  line('kills (SIGKILL)', s.kills);
  line('restarts', s.restarts);
  line('agents running at worker kills', s.agentJobsRunningAtWorkerKills);
  line('requests / retries', `${s.requests} / ${s.retries}`);
  line('answers', s.statuses);
  line('time to recover (ms)', s.recoverMs);
  line('longest wait for an ack (ms)', s.longestWaitForAckMs);
  line('time to settle (ms)', s.settleMs);
  line('violations', s.violations.length);
  for (const v of s.violations.slice(0, 50)) console.log(`    - ${v}`);
  if (s.violations.length > 50) console.log(`    … and ${s.violations.length - 50} more`);
}
