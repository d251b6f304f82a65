/**
 * `npm run bench:api`: the API under an open-loop mixed workload, and ingestion latency while a
 * 10,000-report clustering job runs, for two shapes on a throwaway Redis:
 *   one   — one process of role `all` (API and workers share an event loop: the hard case);
 *   scale — two `api` processes and one `worker`, requests spread over both APIs.
 * For each shape: seed a project (reports imported and clustered), run the mix (70 % ingest, 25 %
 * reads, 5 % triage) at --rate for --duration seconds and print per-route p50/p99 and failures;
 * then ingestion alone at --job-rate, idle and during the job, with PASS/FAIL against the target
 * (p99 during the job under twice the idle p99 and under 100 ms).
 *
 * Flags: --rate 150  --duration 60  --only one|scale  --skip mix|job  --job-rate 100  --idle 20
 *        --seed-reports 3000  --job-reports 10000  --cpu-prof (profiles of the server processes, kept)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printJobPhase, runJobPhase } from './bench-api-job.js';
import { printRoutes, runOpenLoop } from './bench-api-load.js';
import { mixedOps } from './bench-api-mix.js';
import { clusterPools, importReports, reportMaker, waitClusteringIdle } from './bench-api-seed.js';
import { ServerWatch } from './bench-api-watch.js';
import { api, startBenchSystem } from './bench-support.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '150' },
    duration: { type: 'string', default: '60' },
    only: { type: 'string' },
    skip: { type: 'string' },
    'job-rate': { type: 'string', default: '100' },
    idle: { type: 'string', default: '20' },
    'seed-reports': { type: 'string', default: '3000' },
    'job-reports': { type: 'string', default: '10000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const RATE = Number(flags.rate);
const DURATION_S = Number(flags.duration);
const SHAPES: Record<string, string[]> = { one: ['all'], scale: ['api', 'api', 'worker'] };
const PROBE = resolve(import.meta.dirname, 'bench-loop-probe.ts');

async function runShape(name: string): Promise<boolean> {
  const roles = SHAPES[name] as string[];
  const probeDir = mkdtempSync(join(tmpdir(), 'fixloop-bench-probe-'));
  const profDir = flags['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'fixloop-bench-prof-')) : undefined;
  const system = await startBenchSystem(roles, { BENCH_LOOP_PROBE_DIR: probeDir }, [
    '--import',
    PROBE,
    ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
  ]);
  // A process that dies mid-run (its log goes to its stdout, which the bench drops) would leave the
  // bench waiting for clustering that never comes: stop at once instead.
  let stopping = false;
  system.processes.forEach((p, i) => {
    p.once('exit', (code, signal) => {
      if (stopping) return;
      stopping = true;
      console.error(
        `\n${roles[i]} process ${i} exited (${signal ?? `code ${code}`}) during the run; stopping`,
      );
      void system.stop().finally(() => process.exit(1));
    });
  });
  const watch = new ServerWatch(
    system.redisUrl,
    system.processes.map((p, i) => ({
      name: `${roles[i]}${i}`,
      pid: p.pid,
      exited: () => p.exitCode !== null,
    })),
    probeDir,
  );
  await watch.start();
  const observe = async () => (await watch.snapshot()).join('\n  ');
  let pass = true;
  try {
    const label = `${name}: ${roles.join(' + ')}${system.bases.length > 1 ? `, requests spread over ${system.bases.length} APIs` : ''}`;
    console.log(`\n=== ${label} ===`);
    const { apiKey: key } = await api<{ apiKey: string }>(
      system.base,
      system.adminToken,
      'POST',
      '/projects',
      {
        name: 'bench api',
      },
    );
    const seedReports = Number(flags['seed-reports']);
    const t0 = performance.now();
    await importReports(system.base, key, seedReports, reportMaker(1), 'seed');
    const seeded = await waitClusteringIdle(system.base, key);
    const pools = await clusterPools(system.base, key);
    console.log(
      `seeded ${seedReports} reports, clustered in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(last run: ${seeded.lastJob?.stats.clustered ?? 0} reports); ${pools.clusters.length} clusters of 2+ ` +
        `and ${pools.outliers.length} outliers in the pools`,
    );
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (2 cores, shared)`,
    );
    if (flags.skip !== 'mix') {
      await observe();
      const mixed = await runOpenLoop({
        bases: system.bases,
        token: key,
        rate: RATE,
        durationS: DURATION_S,
        next: mixedOps(pools, reportMaker(2), 'mix', 3),
      });
      printRoutes(`mixed workload at ${RATE} req/s for ${DURATION_S} s (${name})`, mixed);
      console.log(`  ${await observe()}`);
      const drain = performance.now();
      await waitClusteringIdle(system.base, key);
      console.log(
        `  clustering caught up ${((performance.now() - drain) / 1000).toFixed(1)} s after the mix ended`,
      );
    }
    if (flags.skip !== 'job') {
      const windows = await runJobPhase({
        bases: system.bases,
        adminToken: system.adminToken,
        token: key,
        rate: Number(flags['job-rate']),
        idleS: Number(flags.idle),
        jobReports: Number(flags['job-reports']),
        observe,
      });
      pass = printJobPhase(`ingestion during a clustering job (${name})`, windows, Number(flags['job-rate']));
    }
  } finally {
    stopping = true;
    watch.close();
    await system.stop();
    rmSync(probeDir, { recursive: true, force: true });
    if (profDir) console.log(`CPU profiles of the server processes: ${profDir}`);
  }
  return pass;
}

async function main(): Promise<void> {
  const shapes = flags.only ? [flags.only] : Object.keys(SHAPES);
  for (const s of shapes) if (!SHAPES[s]) throw new Error(`--only: one of ${Object.keys(SHAPES).join(', ')}`);
  const verdicts: string[] = [];
  for (const shape of shapes) verdicts.push(`${shape}: ${(await runShape(shape)) ? 'PASS' : 'FAIL'}`);
  if (flags.skip !== 'job') console.log(`\ningestion p99 during clustering jobs: ${verdicts.join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
