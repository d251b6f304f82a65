/**
 * Clustering quality on a labeled duplicate dataset: every representation × strategy × threshold,
 * in one batch and streamed chronologically through the incremental runner, against the plain
 * TF-IDF baseline. Usage (see docs/clustering.md):
 *   npm run eval:clustering -- --data ../shared/datasets/<file>.jsonl [--limit N]
 *     [--representation local,lexical,use-lite,tfidf-baseline] [--thresholds 0.3:0.9:0.05]
 *     [--methods agglomerative,centroid,vector_like] [--modes batch,stream] [--batch-size 100]
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CachedEmbedder, UseLiteEmbedder } from '@fixloop/adapters';
import { type ClusteringMethod, semanticInput, splitReportText, vMeasure } from '@fixloop/clustering';
import { loadDataset, preparedTexts } from './eval/dataset.js';
import { FileEmbeddingCache } from './eval/file-embedding-cache.js';
import {
  buildVectors,
  EVAL_REPRESENTATIONS,
  type EvalRepresentation,
  METHODS,
  shippedThreshold,
} from './eval/representations.js';
import { parseThresholds, type RunScores, runBatch, runStreamed, score } from './eval/runs.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    limit: { type: 'string' },
    representation: { type: 'string', default: EVAL_REPRESENTATIONS.join(',') },
    thresholds: { type: 'string', default: '0.3:0.9:0.05' },
    methods: { type: 'string', default: METHODS.join(',') },
    modes: { type: 'string', default: 'batch,stream' },
    'batch-size': { type: 'string', default: '100' },
    'lexical-weight': { type: 'string' },
    'title-weight': { type: 'string' },
    dimension: { type: 'string' },
    'semantic-body-chars': { type: 'string' },
    json: { type: 'string' },
  },
});
if (!values.data) {
  console.error('usage: npm run eval:clustering -- --data <file.jsonl> [--limit N] [--representation …]');
  process.exit(2);
}
const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const list = <T extends string>(v: string, allowed: readonly T[], what: string): T[] =>
  v.split(',').map((x) => {
    if (!(allowed as readonly string[]).includes(x)) throw new RangeError(`unknown ${what}: ${x}`);
    return x as T;
  });

const representations = list(values.representation, EVAL_REPRESENTATIONS, 'representation');
const methods = list(values.methods, METHODS, 'method');
const modes = list(values.modes, ['batch', 'stream'] as const, 'mode');
const thresholds = parseThresholds(values.thresholds);
const batchSize = Number(values['batch-size']);
const knobs = {
  lexicalWeight: num(values['lexical-weight']),
  titleWeight: num(values['title-weight']),
  dimension: num(values.dimension),
  semanticBodyChars: num(values['semantic-body-chars']),
};

const rows = loadDataset(values.data, num(values.limit));
const groups = rows.map((r) => r.group);
const texts = preparedTexts(rows);
const semantic = new CachedEmbedder(new UseLiteEmbedder(), new FileEmbeddingCache('.cache/embeddings', 512));

interface Row extends RunScores {
  representation: EvalRepresentation;
  mode: 'batch' | 'stream';
  method: ClusteringMethod;
  threshold: number;
}
const results: Row[] = [];
const fmt = (x: number): string => x.toFixed(3);

try {
  console.log(`# ${values.data}: ${rows.length} reports, ${new Set(groups).size} groups\n`);
  const allAlone = vMeasure(
    groups,
    Array.from(rows, (_, i) => i),
  ).vMeasure;
  console.log(`V-measure of all singletons (its floor of meaning): ${fmt(allAlone)}\n`);
  if (representations.some((r) => r === 'local' || r === 'use-lite')) {
    await warmSemantic(texts.map((t) => semanticInput(splitReportText(t), knobs.semanticBodyChars ?? 0)));
  }
  for (const name of representations) {
    const built = await buildVectors(name, texts, semantic, batchSize, knobs);
    for (const mode of modes) {
      const vectors = mode === 'batch' ? built.batch : built.streamed;
      if (!vectors) continue;
      console.log(
        `## ${name}, ${mode === 'batch' ? 'one batch' : `streamed in batches of ${batchSize}`} (d = ${vectors.d})\n`,
      );
      console.log(
        '| method | threshold | precision | recall | F1 | ARI | V-measure | clusters | singleton share |',
      );
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const method of methods) {
        for (const threshold of thresholds) {
          const started = performance.now();
          const labels =
            mode === 'batch'
              ? runBatch(vectors, method, threshold)
              : runStreamed(vectors, method, threshold, batchSize);
          const s = score(groups, labels);
          results.push({ representation: name, mode, method, threshold, ...s });
          console.log(
            `| ${method} | ${threshold.toFixed(2)} | ${fmt(s.precision)} | ${fmt(s.recall)} | ${fmt(s.f1)} | ` +
              `${fmt(s.ari)} | ${fmt(s.vMeasure)} | ${s.clusters} | ${s.singletonShare.toFixed(2)} |`,
          );
          console.error(
            `  ${name} ${mode} ${method} ${threshold}: ${(performance.now() - started).toFixed(0)} ms`,
          );
        }
      }
      console.log('');
    }
  }
  printSummary();
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ data: values.data, n: rows.length, allAlone, results }, null, 2),
    );
} finally {
  await semantic.close();
}

async function warmSemantic(inputs: string[]): Promise<void> {
  const step = 256;
  for (let start = 0; start < inputs.length; start += step) {
    await semantic.embed(inputs.slice(start, start + step));
    if (semantic.misses > 0)
      console.error(`  USE-lite: ${Math.min(start + step, inputs.length)}/${inputs.length}`);
  }
}

function printSummary(): void {
  const baseline = best(
    results.filter((r) => r.representation === 'tfidf-baseline' && r.method === 'agglomerative'),
  );
  console.log('## Summary: best pairwise F1 per representation, mode and method\n');
  if (baseline) {
    console.log(
      `Baseline (plain word TF-IDF, sublinear tf, English stop words, average linkage at its best threshold ` +
        `${baseline.threshold.toFixed(2)}): F1 ${fmt(baseline.f1)}, ARI ${fmt(baseline.ari)}.\n`,
    );
  }
  console.log(
    '| representation | mode | method | best threshold | best F1 | default threshold | F1 at default | vs baseline (at default) |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const name of representations) {
    for (const mode of modes) {
      for (const method of methods) {
        const runs = results.filter(
          (r) => r.representation === name && r.mode === mode && r.method === method,
        );
        const top = best(runs);
        if (!top) continue;
        const t = shippedThreshold(name);
        const atDefault = t === undefined ? undefined : runs.find((r) => Math.abs(r.threshold - t) < 1e-9);
        const delta =
          atDefault && baseline
            ? `${atDefault.f1 >= baseline.f1 ? '+' : ''}${fmt(atDefault.f1 - baseline.f1)} (${((atDefault.f1 / baseline.f1 - 1) * 100).toFixed(0)}%)`
            : '';
        console.log(
          `| ${name} | ${mode} | ${method} | ${top.threshold.toFixed(2)} | ${fmt(top.f1)} | ${t?.toFixed(2) ?? '—'} | ` +
            `${atDefault ? fmt(atDefault.f1) : '—'} | ${delta} |`,
        );
      }
    }
  }
}

function best(runs: readonly Row[]): Row | undefined {
  return runs.reduce<Row | undefined>((a, r) => (!a || r.f1 > a.f1 ? r : a), undefined);
}
