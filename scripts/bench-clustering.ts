/**
 * `npm run bench:clustering`: time and peak memory of each clustering strategy at n = 1k, 5k, 10k
 * and 20k (d = 512), of assigning 1,000 new items against 50,000 existing clusters, and the SIMD
 * kernel's throughput. Each case runs in a child process so its peak RSS (`maxRSS`) is its own.
 *
 * Writes the n ≤ 10k vectors (raw little-endian float32) and the agglomerative labels to
 * BENCH_CLUSTERING_DIR (default: a folder under the OS temp dir) for scripts/bench-sklearn.py.
 * BENCH_CLUSTERING_SIZES=1000,5000 picks other sizes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterVectors } from '../packages/clustering/src/cluster-vectors.js';
import { assignIncremental, type ClusterState } from '../packages/clustering/src/incremental.js';
import { forEachDotBlock } from '../packages/clustering/src/kernel/gram.js';
import { hasSimdKernel } from '../packages/clustering/src/kernel/gram-kernel.js';
import {
  clusteredVectors,
  randomUnitVectors,
  seededGaussian,
  seededRandom,
} from '../packages/clustering/src/test-support/random-vectors.js';
import type { ClusteringMethod, Vectors } from '../packages/clustering/src/types.js';

const D = 512;
const SIM_THRESHOLD = 0.5;
const SEED = 1234;
const SIZES = (process.env.BENCH_CLUSTERING_SIZES ?? '1000,5000,10000,20000').split(',').map(Number);
const METHODS: ClusteringMethod[] = ['agglomerative', 'centroid', 'vector_like'];
const SKLEARN_MAX_N = 10_000;
const DATA_DIR = process.env.BENCH_CLUSTERING_DIR ?? join(tmpdir(), 'fixloop-bench-clustering');

type Case =
  | { kind: 'strategy'; method: ClusteringMethod; n: number }
  | { kind: 'incremental'; existing: number; batch: number }
  | { kind: 'kernel'; rows: number; cols: number };

interface CaseResult {
  seconds: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  detail: string;
}

/** The benchmark data: seeded groups of about 20 items (member–member cosine ≈ 0.6), a fifth pure noise. */
function benchVectors(n: number) {
  return clusteredVectors({
    n,
    d: D,
    groups: Math.max(2, Math.round(n / 20)),
    noise: 0.2,
    spread: 0.8,
    seed: SEED + n,
  });
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

function runCase(c: Case): CaseResult {
  if (c.kind === 'kernel') {
    const q = randomUnitVectors(c.rows, D, 1);
    const t = randomUnitVectors(c.cols, D, 2);
    let checksum = 0;
    const visit = ({ dots }: { dots: Float32Array }) => {
      checksum += dots[0] as number;
    };
    forEachDotBlock(q, t, visit); // warm-up: lets V8 tier the kernel up
    const baseline = process.memoryUsage().rss;
    const started = performance.now();
    forEachDotBlock(q, t, visit);
    const seconds = (performance.now() - started) / 1000;
    const gflops = (2 * c.rows * c.cols * D) / seconds / 1e9;
    const detail = `${gflops.toFixed(1)} GFLOP/s (mul + add), ${hasSimdKernel() ? 'wasm SIMD' : 'JS fallback'}, checksum ${checksum.toFixed(3)}`;
    return { seconds, peakRssMiB: peakRss(), baselineRssMiB: mib(baseline), detail };
  }
  if (c.kind === 'strategy') {
    const { vectors } = benchVectors(c.n);
    const baseline = process.memoryUsage().rss;
    const started = performance.now();
    const labels = clusterVectors(vectors, { method: c.method, simThreshold: SIM_THRESHOLD });
    const seconds = (performance.now() - started) / 1000;
    if (c.method === 'agglomerative' && c.n <= SKLEARN_MAX_N) {
      mkdirSync(DATA_DIR, { recursive: true });
      writeFileSync(join(DATA_DIR, `vectors-${c.n}.f32`), vectors.data);
      writeFileSync(
        join(DATA_DIR, `labels-${c.n}.json`),
        JSON.stringify({ seconds, labels: Array.from(labels) }),
      );
    }
    const clusters = new Set(labels).size;
    return { seconds, peakRssMiB: peakRss(), baselineRssMiB: mib(baseline), detail: `${clusters} clusters` };
  }
  const { clusters, vectors } = incrementalData(c.existing, c.batch);
  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  const { targets, groups } = assignIncremental({ clusters, vectors, simThreshold: SIM_THRESHOLD });
  const seconds = (performance.now() - started) / 1000;
  const joined = targets.filter((t) => 'existing' in t).length;
  const detail = `${joined} joined existing clusters, ${groups.length} new groups`;
  return { seconds, peakRssMiB: peakRss(), baselineRssMiB: mib(baseline), detail };
}

/**
 * Existing clusters of 1–4 members, each around a random centre, and a new batch of which 60%
 * lie around existing centres and 40% around new ones.
 */
function incrementalData(existing: number, batch: number): { clusters: ClusterState[]; vectors: Vectors } {
  const gauss = seededGaussian(SEED);
  const random = seededRandom(SEED + 1);
  const unit = (around?: Float64Array): Float32Array => {
    const v = Float64Array.from(
      { length: D },
      (_, k) => (around ? (around[k] as number) : 0) + 0.6 * gauss(),
    );
    const norm = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / norm);
  };
  const centres = Array.from({ length: existing }, () => Float64Array.from({ length: D }, () => gauss()));
  const clusters = centres.map((centre, c) => {
    const size = 1 + (c % 4);
    const sum = new Float32Array(D);
    for (let m = 0; m < size; m++) {
      const member = unit(centre);
      for (let k = 0; k < D; k++) sum[k] = (sum[k] as number) + (member[k] as number);
    }
    return { sum, size };
  });
  const data = new Float32Array(batch * D);
  for (let i = 0; i < batch; i++) {
    const known = random() < 0.6;
    const centre = known
      ? centres[Math.floor(random() * existing)]
      : Float64Array.from({ length: D }, () => gauss());
    data.set(unit(centre), i * D);
  }
  return { clusters, vectors: { data, n: batch, d: D } };
}

function peakRss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function runInChild(c: Case): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, '--case', JSON.stringify(c)], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  if (child.status !== 0) throw new Error(`case ${JSON.stringify(c)} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as CaseResult;
}

function row(label: string, r: CaseResult): void {
  const time = `${r.seconds.toFixed(3)} s`.padStart(10);
  const peak = `${r.peakRssMiB} MiB`.padStart(9);
  const base = `${r.baselineRssMiB} MiB`.padStart(8);
  console.log(`  ${label.padEnd(34)} ${time}  peak RSS ${peak} (before ${base})  ${r.detail}`);
}

function main(): void {
  console.log(
    `clustering benchmark: d = ${D}, simThreshold = ${SIM_THRESHOLD}, seeded data (groups of ~20, 20% noise)`,
  );
  console.log(
    'peak RSS is the child process maxRSS (Node + data + clustering); "before" is RSS once the data exists\n',
  );
  row('kernel 1000 × 10000 dot products', runInChild({ kind: 'kernel', rows: 1000, cols: 10_000 }));
  for (const method of METHODS) {
    console.log(`\n${method}`);
    for (const n of SIZES) row(`n = ${n}`, runInChild({ kind: 'strategy', method, n }));
  }
  console.log('\nincremental assignment');
  row('1000 new vs 50000 existing', runInChild({ kind: 'incremental', existing: 50_000, batch: 1000 }));
  console.log(`\nvectors and agglomerative labels for scripts/bench-sklearn.py: ${DATA_DIR}`);
}

const caseArg = process.argv.indexOf('--case');
if (caseArg >= 0) {
  console.log(JSON.stringify(runCase(JSON.parse(process.argv[caseArg + 1] ?? '') as Case)));
} else {
  main();
}
