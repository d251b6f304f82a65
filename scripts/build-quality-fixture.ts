/**
 * Writes packages/clustering/src/fixtures/gitbugs-slice.json, the committed slice of the CC BY 4.0
 * GitBugs dev data the quality regression test clusters: every report of a duplicate group plus a
 * seeded sample of singletons, bodies cut to 1,500 characters, with USE-lite vectors of the hybrid's
 * semantic input as float16. Usage: node --import tsx scripts/build-quality-fixture.ts [--data <jsonl>]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CachedEmbedder, UseLiteEmbedder } from '@fixloop/adapters';
import {
  DEFAULT_SEMANTIC_BODY_CHARS,
  prepareIssueTexts,
  semanticInput,
  splitReportText,
} from '@fixloop/clustering';
import { encodeFloat16 } from '../packages/clustering/src/fixtures/float16.js';
import { loadDataset } from './eval/dataset.js';
import { FileEmbeddingCache } from './eval/file-embedding-cache.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/datasets/gitbugs-dups-dev.jsonl' },
    total: { type: 'string', default: '360' },
    seed: { type: 'string', default: '20250412' },
    out: { type: 'string', default: 'packages/clustering/src/fixtures/gitbugs-slice.json' },
  },
});

const NOTICE =
  'Derived from GitBugs (CC BY 4.0): A. Patil, "GitBugs: Bug Reports for Duplicate Detection, Retrieval ' +
  'Augmented Generation, Triage, and More", arXiv:2504.09651 (2025), github.com/av9ash/gitbugs (commit eadf2d67). ' +
  'Changes: every report of a duplicate group plus a seeded sample of singletons; bodies cut to 1,500 characters; ' +
  'USE-lite vectors of each title added (float16). Licence: https://creativecommons.org/licenses/by/4.0/';

const rows = loadDataset(values.data);
const sizes = new Map<string, number>();
for (const r of rows) sizes.set(r.group, (sizes.get(r.group) ?? 0) + 1);
const grouped = rows.filter((r) => (sizes.get(r.group) ?? 0) >= 2);
const singles = rows.filter((r) => sizes.get(r.group) === 1);
const random = mulberry32(Number(values.seed));
for (let i = singles.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [singles[i], singles[j]] = [singles[j] as (typeof singles)[number], singles[i] as (typeof singles)[number]];
}
const keep = new Set([...grouped, ...singles.slice(0, Number(values.total) - grouped.length)]);
const slice = rows
  .filter((r) => keep.has(r))
  .map((r) => ({ id: r.id, title: r.title, body: r.body.slice(0, 1500), group: r.group }));

const embedder = new CachedEmbedder(new UseLiteEmbedder(), new FileEmbeddingCache('.cache/embeddings', 512));
try {
  const inputs = prepareIssueTexts(slice).map((t) =>
    semanticInput(splitReportText(t), DEFAULT_SEMANTIC_BODY_CHARS),
  );
  const vectors = await embedder.embed(inputs);
  const reports = slice.map((r, i) => ({
    ...r,
    semantic: Buffer.from(encodeFloat16(vectors[i] as Float32Array)).toString('base64'),
  }));
  const fixture = {
    notice: NOTICE,
    license: 'CC-BY-4.0',
    semantic: {
      embedder: 'local:use-lite',
      input: 'semanticInput(title, body chars = 0)',
      dimensions: 512,
      encoding: 'float16-le-base64',
    },
    reports,
  };
  writeFileSync(values.out, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${values.out}: ${reports.length} reports (${grouped.length} in duplicate groups)`);
} finally {
  await embedder.close();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
