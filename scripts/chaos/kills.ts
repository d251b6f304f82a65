import { keys } from '@fixloop/store';
import type { Redis } from 'ioredis';
import { pingRedis, serverPid } from '../../apps/server/src/infra/managed-redis.js';
import type { Random } from './random.js';
import { type FixloopProcess, waitUntil } from './system.js';

export type KillKind = 'api' | 'worker' | 'redis';
export const KILL_KINDS: readonly KillKind[] = ['api', 'worker', 'redis'];

export interface Kill {
  kind: KillKind;
  atMs: number;
  /** From the SIGKILL until the replacement is up (API up, worker up, Redis answering on a new pid). */
  recoverMs: number;
  /** Agent jobs running when the worker was killed. */
  agentsRunning?: number;
}

/**
 * When to kill what: cycles of API, worker, Redis, spread over the middle of the run (the first
 * seconds fill the store, the last ones let retries land) with seeded jitter.
 */
export function killSchedule(durationMs: number, rnd: Random): Array<{ kind: KillKind; atMs: number }> {
  const cycles = Math.max(1, Math.round(durationMs / 40_000));
  const from = durationMs * 0.15;
  const slot = (durationMs * 0.7) / (cycles * KILL_KINDS.length);
  return Array.from({ length: cycles * KILL_KINDS.length }, (_, i) => ({
    kind: KILL_KINDS[i % KILL_KINDS.length] as KillKind,
    atMs: Math.round(from + slot * i + rnd.next() * slot * 0.5),
  }));
}

export interface Targets {
  api: FixloopProcess;
  worker: FixloopProcess;
  redisSocket: string;
  /** The run's own connection, to see agent jobs running. */
  redis: Redis;
  projectId: string;
}

async function runningAgents(t: Targets): Promise<number> {
  const ids = await t.redis.smembers(keys.agentJobsActive(t.projectId));
  let running = 0;
  for (const id of ids)
    if ((await t.redis.hget(keys.agentJob(t.projectId, id), 'status')) === 'running') running++;
  return running;
}

/** Kills one process with SIGKILL and waits for the system to bring back (or replace) it. */
export async function kill(kind: KillKind, t: Targets, rnd: Random, startedAt: number): Promise<Kill> {
  const atMs = Date.now() - startedAt;
  switch (kind) {
    case 'api': {
      const killed = Date.now();
      await t.api.crash();
      // An operator's supervisor (systemd, Kubernetes) starts it again after a moment.
      await new Promise((r) => setTimeout(r, rnd.int(0, 500)));
      t.api.restart();
      await t.api.ready();
      return { kind, atMs, recoverMs: Date.now() - killed };
    }
    case 'worker': {
      // Kill it mid-fix when a fix is running (a few seconds' wait at most).
      await waitUntil('an agent job running', async () => (await runningAgents(t)) > 0, 4_000).catch(() => 0);
      const agentsRunning = await runningAgents(t);
      const killed = Date.now();
      await t.worker.crash();
      await new Promise((r) => setTimeout(r, rnd.int(0, 500)));
      t.worker.restart();
      await t.worker.ready();
      return { kind, atMs, recoverMs: Date.now() - killed, agentsRunning };
    }
    case 'redis': {
      const target = { path: t.redisSocket };
      const pid = await serverPid(target);
      if (pid === undefined) throw new Error('could not read the redis-server pid');
      const killed = Date.now();
      process.kill(pid, 'SIGKILL');
      // Nobody but the API process that manages it brings it back.
      await waitUntil(
        'the managed redis-server to come back',
        async () => (await pingRedis(target)) === 'pong' && (await serverPid(target)) !== pid,
        30_000,
      );
      return { kind, atMs, recoverMs: Date.now() - killed };
    }
  }
}
