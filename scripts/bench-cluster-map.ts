/**
 * `npm run bench:cluster-map`: how long `GET /clusters/map` takes to read the largest clusters'
 * member-sum vectors from Redis and project them to 2-D, at 2,000 and 10,000 clusters, for three
 * vector spaces: the test stand-in's 96 dense dimensions, an OpenAI-sized 1,536, and the default
 * `local` hybrid (4,096 feature-hashed lexical dimensions, sparse, plus 512 dense USE-lite ones).
 *
 * Starts its own throwaway redis-server on a free port (never a Redis it did not start), writes
 * synthetic clusters through the key schema, and times the domain verb on the real store. The last
 * column is the share of the best two axes' variance that the default number of rounds captures
 * (against 100 rounds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRedisServer } from '../apps/server/src/infra/managed-redis.js';
import { createRedis } from '../apps/server/src/infra/redis.js';
import { pca2, projectCentroids } from '../packages/clustering/src/projection.js';
import { seededGaussian, seededRandom } from '../packages/clustering/src/test-support/random-vectors.js';
import { type ClusteringDeps, clusterMap } from '../packages/domain/src/index.js';
import { keys, RedisClusterStore, vectorToBuffer } from '../packages/store/src/index.js';
import { freePort } from '../test-support/free-port.js';

interface Space {
  name: string;
  lexical: number;
  dense: number;
}

const SPACES: Space[] = [
  { name: 'stand-in (96 dense)', lexical: 0, dense: 96 },
  { name: 'openai-sized (1,536 dense)', lexical: 0, dense: 1_536 },
  { name: 'local hybrid (4,096 sparse + 512 dense)', lexical: 4_096, dense: 512 },
];
const COUNTS = (process.env.BENCH_MAP_COUNTS ?? '2000,10000').split(',').map(Number);
const TOPICS = 60;
const RUNS = 3;

/** A cluster's member-sum: `size` members around one of a few topics, each ~40 hashed terms + a dense part. */
function memberSum(
  space: Space,
  size: number,
  topic: number,
  random: () => number,
  gauss: () => number,
  centres: Float32Array[],
): Float32Array {
  const sum = new Float32Array(space.lexical + space.dense);
  const centre = centres[topic] as Float32Array;
  const members = Math.min(size, 8);
  for (let m = 0; m < members; m++) {
    const w = size / members;
    for (let t = 0; t < 40; t++) {
      // Half of a member's terms are its topic's, half its own.
      const term =
        t < 20 ? (topic * 997 + t * 131) % Math.max(1, space.lexical) : Math.floor(random() * space.lexical);
      if (space.lexical > 0) sum[term] = (sum[term] as number) + (w * 0.1) / Math.SQRT2;
    }
    for (let k = 0; k < space.dense; k++) {
      sum[space.lexical + k] =
        (sum[space.lexical + k] as number) + w * ((centre[k] as number) + 0.7 * gauss()) * 0.05;
    }
  }
  return sum;
}

async function seed(
  redis: ReturnType<typeof createRedis>,
  pid: string,
  space: Space,
  n: number,
): Promise<void> {
  const random = seededRandom(n + space.dense);
  const gauss = seededGaussian(n + space.lexical);
  const centres = Array.from({ length: TOPICS }, () => Float32Array.from({ length: space.dense }, gauss));
  for (let s = 0; s < n; s += 500) {
    const p = redis.pipeline();
    for (let i = s; i < Math.min(n, s + 500); i++) {
      const id = `c${String(i).padStart(6, '0')}`;
      const size = 2 + Math.floor(200 / (1 + i / 50));
      p.hset(keys.cluster(pid, id), {
        id,
        projectId: pid,
        title: `Cluster ${i}`,
        status: 'new',
        size: String(size),
      });
      p.set(
        keys.clusterSum(pid, id),
        vectorToBuffer(memberSum(space, size, i % TOPICS, random, gauss, centres)),
      );
      p.zadd(keys.clustersBySize(pid), size, id);
    }
    await p.exec();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fixloop-bench-map-'));
  const server = await startRedisServer({
    bin: 'redis-server',
    dir,
    listen: { port: await freePort() },
    appendOnly: false,
  });
  const redis = createRedis(server.url);
  const store = new RedisClusterStore(redis, redis);
  const deps = { clusters: store, settings: { minClusterSize: 2 } } as unknown as Pick<
    ClusteringDeps,
    'clusters' | 'settings'
  >;
  try {
    console.log(
      '| vectors | clusters | read (ms) | project (ms) | GET /clusters/map verb (ms) | variance captured |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const space of SPACES) {
      for (const n of COUNTS) {
        const pid = `bench-${space.dense}-${space.lexical}-${n}`;
        await seed(redis, pid, space, n);
        let read = Number.POSITIVE_INFINITY;
        let project = Number.POSITIVE_INFINITY;
        let total = Number.POSITIVE_INFINITY;
        for (let run = 0; run < RUNS; run++) {
          let t = performance.now();
          const rows = await store.largestWithSums(pid, 2, n);
          read = Math.min(read, performance.now() - t);
          t = performance.now();
          projectCentroids(rows.map((r) => r.sum));
          project = Math.min(project, performance.now() - t);
          t = performance.now();
          const map = await clusterMap(deps, pid, { limit: n, minSize: 2 });
          total = Math.min(total, performance.now() - t);
          if (map.points.length !== n) throw new Error(`expected ${n} points, got ${map.points.length}`);
        }
        const unit = (await store.largestWithSums(pid, 2, n)).map((r) => {
          const norm = Math.hypot(...r.sum);
          return r.sum.map((v) => v / norm);
        });
        const fast = pca2(unit);
        const best = pca2(unit, { maxIterations: 100, tolerance: 0 });
        const captured = (fast.variance[0] + fast.variance[1]) / (best.variance[0] + best.variance[1]);
        console.log(
          `| ${space.name} | ${n} | ${read.toFixed(0)} | ${project.toFixed(0)} | ${total.toFixed(0)} | ${(100 * captured).toFixed(1)}% |`,
        );
        await redis.flushdb();
      }
    }
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
