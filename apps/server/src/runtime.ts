import { join } from 'node:path';
import { OctokitTracker } from '@fixloop/adapters';
import { ensureDefaultProject, installAdminKey, resumeClustering } from '@fixloop/domain';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { composeAgents } from './agents/compose.js';
import { lockDataDir, resolveLocalSecrets } from './bootstrap.js';
import { composeClustering } from './clustering/compose.js';
import type { Config } from './config.js';
import { type Container, createContainer } from './container.js';
import { buildApp } from './http/app.js';
import { type RedisServerHandle, startRedisServer } from './infra/managed-redis.js';
import { createRedis } from './infra/redis.js';
import { type AgentWorker, startAgentWorker } from './jobs/agent-worker.js';
import { startBillingWorker, startHeldRelease } from './jobs/billing-worker.js';
import { BullScheduler } from './jobs/bull-scheduler.js';
import { startClusteringSweep } from './jobs/clustering-sweep.js';
import { startClusteringWorker } from './jobs/clustering-worker.js';
import { startRedditWorker, syncAllRedditSchedules } from './jobs/reddit-worker.js';
import { listenForMetrics } from './metrics/metrics-server.js';

/** What a process runs: everything, the API (and dashboard) only, the workers only, or only the Reddit poller. */
export type Role = 'all' | 'api' | 'worker' | 'reddit-poller';

export interface Runtime {
  container: Container;
  app?: FastifyInstance;
  adminTokenGenerated: boolean;
  adminToken: string;
  adminTokenPath: string;
  redisUrl: string;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Listen on the configured port (default true; tests use `app.inject`). */
  listen?: boolean;
}

/** Starts a process of the given role: Redis (managed when `REDIS_URL` is unset), the container, the API, the workers. */
export async function startRuntime(
  config: Config,
  log: Logger,
  role: Role,
  opts: RuntimeOptions = {},
): Promise<Runtime> {
  const secrets = resolveLocalSecrets(config);
  let managed: RedisServerHandle | undefined;
  let redisUrl = config.redisUrl;
  let releaseDataDir = () => {};
  if (redisUrl === undefined) {
    releaseDataDir = lockDataDir(config.dataDir);
    managed = await startRedisServer({
      bin: config.redisServerBin,
      dir: join(config.dataDir, 'redis'),
      listen: { socket: true },
      appendOnly: true,
      fsync: config.redisFsync,
      // This process owns the managed Redis: when it dies, it is started again on the same AOF.
      keepAlive: {
        onRestarted: (info) => log.warn(info, 'managed redis-server died and was restarted'),
        onRestartFailed: (err, attempt) =>
          log.error({ err, attempt }, 'managed redis-server died and could not be restarted yet'),
      },
    });
    redisUrl = managed.url;
    log.info(
      { redis: redisUrl, adopted: managed.adopted, fsync: config.redisFsync },
      'managed redis-server ready',
    );
  }

  // BullMQ wants its own connections: one for producers, one per worker (blocking commands).
  const queueConnection = createRedis(redisUrl);
  const scheduler = new BullScheduler(
    queueConnection,
    config.queuePrefix,
    config.reddit.pollIntervalS * 1000,
  );
  const workers: Worker[] = [];
  let agentWorker: AgentWorker | undefined;
  let sweep: { stop(): void } | undefined;
  const workerConnections: Array<{ disconnect(): void }> = [];
  const github = new OctokitTracker({ baseUrl: config.github.apiUrl, log });
  const container = createContainer({
    config,
    redisUrl,
    secretsKey: secrets.secretsKey,
    log,
    scheduler,
    tracker: github,
    clustering: (redis, telemetry) => composeClustering(config, redis, log, scheduler, telemetry),
    queues: scheduler.queues(),
    agents: composeAgents(config, log, github, scheduler),
    onClose: [
      async () => {
        // Agent runs can take half an hour: stop them (they fail, asking for a retry) rather than wait.
        agentWorker?.abortAll();
        sweep?.stop();
        await Promise.all(workers.map((w) => w.close()));
        await scheduler.close();
        queueConnection.disconnect();
        for (const conn of workerConnections) conn.disconnect();
      },
    ],
  });

  await ensureDefaultProject(container.projectDeps);
  await installAdminKey(container.projectDeps, secrets.adminToken, {
    exclusive: config.adminToken !== undefined,
  });

  let app: FastifyInstance | undefined;
  if (role === 'all' || role === 'api') app = await buildApp(container, { logger: log });
  if (role === 'all' || role === 'worker' || role === 'reddit-poller') {
    const connection = createRedis(redisUrl);
    workerConnections.push(connection);
    workers.push(startRedditWorker(container, { connection }));
    await syncAllRedditSchedules(container);
    if (role !== 'reddit-poller') {
      const clusteringConnection = createRedis(redisUrl);
      workerConnections.push(clusteringConnection);
      workers.push(startClusteringWorker(container, clusteringConnection));
      const resumed = await resumeClustering(
        container.clusteringDeps,
        (await container.projects.list()).map((p) => p.id),
      );
      if (resumed > 0) log.info({ projects: resumed }, 'resumed unfinished clustering');
      sweep = startClusteringSweep(container);
      const agentConnection = createRedis(redisUrl);
      workerConnections.push(agentConnection);
      agentWorker = startAgentWorker(container, agentConnection);
      workers.push(agentWorker.worker);
      const billingConnection = createRedis(redisUrl);
      workerConnections.push(billingConnection);
      workers.push(startBillingWorker(container, billingConnection));
      await startHeldRelease(container, scheduler);
    }
  }

  // METRICS_PORT is asked for by name, so it listens whatever `listen` says (worker tests scrape it).
  const metricsListener = await listenForMetrics(container, log);
  // Listening comes last: once the API answers, the whole process is up.
  if (app && opts.listen !== false) await app.listen({ port: config.port, host: config.host });

  return {
    container,
    app,
    adminToken: secrets.adminToken,
    adminTokenGenerated: secrets.adminTokenGenerated,
    adminTokenPath: secrets.adminTokenPath,
    redisUrl,
    async stop() {
      await metricsListener?.close();
      if (app) await app.close();
      await container.close();
      if (managed) await managed.stop();
      releaseDataDir();
    },
  };
}
