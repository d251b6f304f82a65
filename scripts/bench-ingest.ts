/**
 * `npm run bench:ingest`: the real system on a throwaway Redis (AOF, everysec). Prints, for
 * single-item POST /feedback at concurrency 64 and for bulk /feedback/import: items/s, p50 and p99
 * latency, and acknowledged vs stored counts.
 */
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { api, percentile, startBenchSystem } from './bench-support.js';

const SINGLE_REQUESTS = Number(process.env.BENCH_SINGLE_REQUESTS ?? 100_000);
const BULK_BATCHES = Number(process.env.BENCH_BULK_BATCHES ?? 60);
const BULK_BATCH_SIZE = 1_000;
const BULK_CONCURRENCY = 4;

const sentences = [
  'Login button does nothing on Safari after the last update',
  'Crash when uploading a PNG larger than 10 MB',
  'Dark mode resets to light after restart',
  'Export to CSV drops the last column',
  'Search results are empty for queries with accents',
];

function report(title: string, rows: Record<string, string | number>): void {
  console.log(`\n${title}`);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(28)} ${v}`);
}

async function storedCount(redisUrl: string, projectId: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    return await redis.zcard(`project:{${projectId}}:feedback:created`);
  } finally {
    redis.disconnect();
  }
}

async function benchSingle(base: string, key: string, redisUrl: string, projectId: string): Promise<void> {
  let n = 0;
  const result = await autocannon({
    url: `${base}/feedback`,
    connections: 64,
    pipelining: 1,
    // A fixed count (not a duration) so every request is answered and counted before stored is read.
    amount: SINGLE_REQUESTS,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          return {
            ...req,
            body: JSON.stringify({
              title: sentences[n % sentences.length],
              body: `Report ${n}: steps to reproduce, expected and actual behaviour.`,
              externalId: `bench-${n}`,
            }),
          };
        },
      },
    ],
  });
  const acknowledged = result['2xx'];
  const seconds = result.duration;
  const stored = await storedCount(redisUrl, projectId);
  report('single-item POST /feedback (64 connections)', {
    requests: SINGLE_REQUESTS,
    'duration (s)': seconds.toFixed(1),
    'items/s (acknowledged)': Math.round(acknowledged / seconds),
    'latency p50 (ms)': result.latency.p50,
    'latency p99 (ms)': result.latency.p99,
    'acknowledged (2xx)': acknowledged,
    'non-2xx / errors / timeouts': `${result.non2xx} / ${result.errors} / ${result.timeouts}`,
    stored,
    'stored = acknowledged': stored === acknowledged ? 'yes' : 'NO',
  });
}

async function benchBulk(
  base: string,
  key: string,
  redisUrl: string,
  projectId: string,
  ndjson: boolean,
): Promise<void> {
  const latencies: number[] = [];
  let acknowledged = 0;
  let next = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < BULK_BATCHES) {
      const batch = next++;
      const rows = Array.from({ length: BULK_BATCH_SIZE }, (_, i) => ({
        title: sentences[i % sentences.length],
        body: `Imported report ${batch}-${i} with some detail about what happened.`,
        externalId: `${ndjson ? 'nd' : 'js'}-${batch}-${i}`,
      }));
      const body = ndjson ? rows.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(rows);
      const t0 = performance.now();
      const res = await fetch(`${base}/feedback/import`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': ndjson ? 'application/x-ndjson' : 'application/json',
        },
        body,
      });
      const json = (await res.json()) as { created: number };
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`import answered ${res.status}`);
      acknowledged += json.created;
    }
  }
  await Promise.all(Array.from({ length: BULK_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const stored = await storedCount(redisUrl, projectId);
  report(
    `bulk /feedback/import, ${ndjson ? 'NDJSON' : 'JSON array'} (${BULK_BATCH_SIZE} per request, ${BULK_CONCURRENCY} in flight)`,
    {
      requests: BULK_BATCHES,
      'items/s (acknowledged)': Math.round(acknowledged / seconds),
      'request latency p50 (ms)': percentile(latencies, 50).toFixed(1),
      'request latency p99 (ms)': percentile(latencies, 99).toFixed(1),
      'acknowledged (created)': acknowledged,
      stored,
      'stored = acknowledged': stored === acknowledged ? 'yes' : 'NO',
    },
  );
}

async function main(): Promise<void> {
  const system = await startBenchSystem(['api']);
  try {
    const mk = (name: string) =>
      api<{ project: { id: string }; apiKey: string }>(system.base, system.adminToken, 'POST', '/projects', {
        name,
      });
    const single = await mk('bench single');
    // warm-up: JIT and connection pools
    await autocannon({ url: `${system.base}/healthz`, connections: 8, amount: 2_000 });
    await benchSingle(system.base, single.apiKey, system.redisUrl, single.project.id);
    const bulk = await mk('bench bulk');
    await benchBulk(system.base, bulk.apiKey, system.redisUrl, bulk.project.id, false);
    const nd = await mk('bench ndjson');
    await benchBulk(system.base, nd.apiKey, system.redisUrl, nd.project.id, true);
  } finally {
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
