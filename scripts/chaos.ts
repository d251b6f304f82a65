/**
 * `npm run test:chaos`: no acknowledged report is lost under crashes. Runs Fixloop as separate
 * processes on its managed Redis (an API process owning it, a worker process pointed at its
 * socket), drives every ingest route from a separate at-least-once client process, SIGKILLs the
 * API, the worker and redis-server in turn while reports, clustering runs and fixes are in flight,
 * then waits for the system to settle and checks every invariant against the keys in Redis.
 *
 *   npm run test:chaos -- [--fsync everysec|always] [--duration 120] [--seed 1] [--settle 150]
 *                         [--no-agents] [--keep] [--summary file.json]
 *
 * Exits 0 when nothing was lost, duplicated, double-clustered or left behind; else lists each breach.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { socketPathFor } from '../apps/server/src/infra/managed-redis.js';
import { createRedis } from '../apps/server/src/infra/redis.js';
import type { StandIn } from '../apps/server/test/support/stand-ins.js';
import { freePort } from '../test-support/free-port.js';
import { clusteringQueue, identity, snapshot, stillMoving, violations } from './chaos/checks.js';
import { type Driver, startDriver } from './chaos/driver-process.js';
import { type Kill, kill, killSchedule } from './chaos/kills.js';
import type { FromDriver, Ledger, ToDriver } from './chaos/protocol.js';
import { Random } from './chaos/random.js';
import { settle } from './chaos/settle.js';
import {
  type ChaosProject,
  createProject,
  createRepository,
  nudgeRedditPoll,
  startGithubApi,
} from './chaos/setup.js';
import { type ChaosSummary, summarize } from './chaos/summary.js';
import { FixloopProcess, processesMentioning } from './chaos/system.js';

export interface ChaosOptions {
  fsync: 'everysec' | 'always';
  durationS: number;
  seed: number;
  settleS: number;
  agents: boolean;
  keep: boolean;
  summaryPath: string | undefined;
}

function parseOptions(argv: string[]): ChaosOptions {
  const o: ChaosOptions = {
    fsync: 'everysec',
    durationS: 120,
    seed: 1,
    settleS: 150,
    agents: true,
    keep: false,
    summaryPath: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    const count = (name: string) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number`);
      return n;
    };
    if (flag === '--fsync') {
      const v = value();
      if (v !== 'everysec' && v !== 'always') throw new Error('--fsync takes everysec or always');
      o.fsync = v;
    } else if (flag === '--duration') o.durationS = count('--duration');
    else if (flag === '--seed') o.seed = count('--seed');
    else if (flag === '--settle') o.settleS = count('--settle');
    else if (flag === '--no-agents') o.agents = false;
    else if (flag === '--keep') o.keep = true;
    else if (flag === '--summary') o.summaryPath = resolve(value());
    else throw new Error(`unknown option ${flag}`);
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What the API process logs each time it starts its dead redis-server again (runtime.ts). */
const REDIS_RESTARTED = 'managed redis-server died and was restarted';

/** Everything one run starts; `stop` ends it all, whatever state it got to. */
interface Run {
  o: ChaosOptions;
  root: string;
  logs: string;
  dataDir: string;
  base: string;
  rnd: Random;
  /** The bare repository fixes are pushed to. */
  origin: string;
  driver: Driver;
  github: StandIn;
  api: FixloopProcess;
  worker?: FixloopProcess;
  /** The run's own connection to the managed Redis, for its checks. */
  redis: Redis;
  env: NodeJS.ProcessEnv;
}

/** The stand-ins, the driver and the API process (with its managed Redis) in a fresh data dir. */
async function startRun(o: ChaosOptions): Promise<Run> {
  const root = mkdtempSync(join(tmpdir(), 'fixloop-chaos-'));
  const dataDir = join(root, 'data');
  const logs = join(root, 'logs');
  mkdirSync(logs);
  const repo = createRepository(root);
  const github = await startGithubApi();
  const driver = startDriver();
  const { redditUrl } = (await driver.next('ready')) as Extract<FromDriver, { type: 'ready' }>;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    PORT: String(port),
    REDIS_FSYNC: o.fsync,
    GITHUB_API_URL: github.url,
    REDDIT_BASE_URL: redditUrl,
    REDDIT_OAUTH_URL: redditUrl,
    REDDIT_POLL_INTERVAL_S: '10',
    // The Redis-backed request limits stay on, far above what the driver sends.
    RATE_LIMIT_PER_MIN: '10000000',
    RATE_LIMIT_IP_PER_MIN: '10000000',
    // A killed worker's clustering run is taken over, and its agent job failed, once their locks
    // expire: seconds here rather than the production half-minute and minute, so the run settles fast.
    CLUSTERING_LOCK_TTL_MS: '5000',
    AGENT_LOCK_TTL_MS: '10000',
    ALLOW_LOCAL_REPOSITORIES: 'true',
    CODING_AGENT_COMMAND: repo.agentCommand,
    CODING_AGENT_RO_BINDS: repo.scripts,
    CODING_AGENT_UNSANDBOXED: 'allow',
    CODING_AGENT_TIMEOUT_S: '60',
  };
  const redis = createRedis(`unix://${socketPathFor(join(dataDir, 'redis'))}`, { lazyConnect: true });
  redis.on('error', () => {}); // it reconnects after the Redis kills
  return {
    o,
    root,
    logs,
    dataDir,
    base: `http://127.0.0.1:${port}`,
    rnd: new Random(o.seed),
    origin: repo.origin,
    driver,
    github,
    api: FixloopProcess.start('api', env, join(logs, 'api.log')),
    redis,
    env,
  };
}

/** The API up, the project set up through it, then the worker, pointed at the managed Redis's socket. */
async function bringUp(r: Run): Promise<ChaosProject> {
  await r.api.ready();
  const adminToken = readFileSync(join(r.dataDir, 'admin-token'), 'utf8').trim();
  const project = await createProject(r.base, adminToken, r.origin);
  // The worker shares the data dir (its secrets) and reaches the managed Redis on its socket.
  const redisUrl = readFileSync(join(r.dataDir, 'redis', 'redis.url'), 'utf8').trim();
  r.worker = FixloopProcess.start('worker', { ...r.env, REDIS_URL: redisUrl }, join(r.logs, 'worker.log'));
  await r.worker.ready();
  await r.redis.connect();
  return project;
}

/** Ingestion and fixes from the driver while the kills go on; answers the kills and the driver's ledger. */
async function unleash(r: Run, project: ChaosProject, worker: FixloopProcess) {
  const startedAt = Date.now();
  r.driver.child.send({
    type: 'start',
    base: r.base,
    projectId: project.id,
    apiKey: project.apiKey,
    githubSecret: project.githubSecret,
    sentrySecret: project.sentrySecret,
    subreddit: project.subreddit,
    seed: r.o.seed,
    fixEveryMs: r.o.agents ? 3_000 : 0,
  } satisfies ToDriver);
  const kills: Kill[] = [];
  const targets = {
    api: r.api,
    worker,
    redisSocket: socketPathFor(join(r.dataDir, 'redis')),
    redis: r.redis,
    projectId: project.id,
  };
  const report = (k: Kill, what = '') =>
    console.log(`  ${(k.atMs / 1000).toFixed(1)} s: killed ${k.kind}${what}, back in ${k.recoverMs} ms`);
  for (const planned of killSchedule(r.o.durationS * 1000, r.rnd)) {
    await sleep(planned.atMs - (Date.now() - startedAt));
    kills.push(await kill(planned.kind, targets, r.rnd, startedAt));
    report(kills.at(-1) as Kill);
  }
  await sleep(r.o.durationS * 1000 - (Date.now() - startedAt));
  r.driver.child.send({ type: 'stop', settleMs: r.o.settleS * 1000 } satisfies ToDriver);
  // The last burst lands on a crash: what it stored must still be clustered with nothing after it.
  kills.push(await kill('api', targets, r.rnd, startedAt));
  report(kills.at(-1) as Kill, ' as ingestion stopped');
  const { ledger } = (await r.driver.next('done')) as { ledger: Ledger };
  return { kills, ledger };
}

/** Waits for the system to settle, then checks every invariant against the keys in Redis. */
async function verify(r: Run, project: ChaosProject, kills: Kill[], ledger: Ledger): Promise<ChaosSummary> {
  const expected = new Map<string, string>();
  for (const [source, externalId] of ledger.acknowledged)
    expected.set(identity(source, externalId), `${source} ${externalId}`);
  for (const id of ledger.redditPosts) expected.set(identity('reddit', id), `reddit ${id}`);
  const queue = clusteringQueue(r.redis, 'bull');
  // No help beyond a Reddit poll request now and then, as a user would click "poll now".
  const { moving, settleMs } = await settle(
    () => snapshot(r.redis, project.id, queue).then((s) => stillMoving(s, expected.keys())),
    () => nudgeRedditPoll(r.base, project),
    r.o.settleS * 1000,
  );
  const final = await snapshot(r.redis, project.id, queue);
  await queue.close();
  const found = [
    ...violations(final, expected),
    ...ledger.unexpected.map((u) => `unexpected answer: ${u}`),
    ...ledger.unacknowledged.map((u) => `never acknowledged: ${u}`),
    ...(moving.length > 0 ? [`not settled after ${r.o.settleS} s: ${moving.join('; ')}`] : []),
  ];
  const apiLog = readFileSync(join(r.logs, 'api.log'), 'utf8');
  return summarize({
    options: r.o,
    ledger,
    kills,
    final,
    settleMs,
    redisRestarts: apiLog.split(REDIS_RESTARTED).length - 1,
    violations: found,
  });
}

/** Stops what the run started; keeps its logs and data when asked or when it failed. */
async function stopRun(r: Run, keep: boolean): Promise<void> {
  if (r.driver.child.connected) r.driver.child.disconnect();
  await r.worker?.stop();
  await r.api.stop();
  r.redis.disconnect();
  await r.github.close();
  await Promise.all([r.api.close(), r.worker?.close()]);
  // Agents a killed worker left running, a redis-server a failed stop left behind: ours alone.
  for (const pid of processesMentioning(r.root)) process.kill(pid, 'SIGKILL');
  if (keep) console.log(`\nlogs and data kept in ${r.root}`);
  else rmSync(r.root, { recursive: true, force: true });
}

async function main(o: ChaosOptions): Promise<number> {
  const r = await startRun(o);
  let exitCode = 2;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= stopRun(r, o.keep || exitCode !== 0);
    return stopped;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: stopping the run`);
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    const project = await bringUp(r);
    const { kills, ledger } = await unleash(r, project, r.worker as FixloopProcess);
    const summary = await verify(r, project, kills, ledger);
    if (o.summaryPath) writeFileSync(o.summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    exitCode = summary.violations.length === 0 ? 0 : 1;
  } finally {
    await stop();
  }
  return exitCode;
}

main(parseOptions(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
