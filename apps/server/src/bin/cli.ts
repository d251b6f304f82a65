import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InMemoryProjectTermStats } from '@fixloop/adapters';
import { runClusterCommand, toVectors } from '@fixloop/clustering';
import pino from 'pino';
import { composeRepresentation } from '../clustering/compose.js';
import { ConfigError, loadConfig } from '../config.js';

const USAGE = `usage:
  npm run cli -- cluster --input FILE.jsonl --output OUT.json [--method agglomerative|centroid|vector_like]
                         [--threshold T] [--min-cluster-size N]

Each input line is {"id", "title"?, "body"?, "embedding"?}. With embeddings on every line they are
L2-normalized and used as given (threshold default 0.72); without, the configured representation
(EMBEDDINGS_PROVIDER) embeds the texts and its own default threshold applies.`;

async function cluster(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      output: { type: 'string' },
      method: { type: 'string' },
      threshold: { type: 'string' },
      'min-cluster-size': { type: 'string' },
    },
    strict: true,
  });
  if (!values.input || !values.output) throw new UsageError('--input and --output are required');
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold > -1 && threshold < 1))
    throw new UsageError('--threshold must be in (-1, 1)');
  const minClusterSize =
    values['min-cluster-size'] === undefined ? undefined : Number(values['min-cluster-size']);
  if (minClusterSize !== undefined && !(Number.isInteger(minClusterSize) && minClusterSize >= 1)) {
    throw new UsageError('--min-cluster-size must be a positive integer');
  }
  const input = readFileSync(resolve(values.input), 'utf8');
  const config = loadConfig();
  // Without Redis: statistics learned from the input itself, no cache. Models load only if used.
  const representation = composeRepresentation(config, pino({ level: 'warn' }, pino.destination(2)), {
    termStats: new InMemoryProjectTermStats(),
  });
  try {
    const result = await runClusterCommand(
      {
        input,
        ...(values.method ? { method: values.method } : {}),
        ...(threshold === undefined ? {} : { threshold }),
        ...(minClusterSize === undefined ? {} : { minClusterSize }),
      },
      async (texts) => toVectors(await representation.vectorize('cli', texts)),
      {
        now: () => performance.now(),
        defaultThreshold: config.clustering.simThreshold ?? representation.defaultThreshold,
      },
    );
    writeFileSync(resolve(values.output), `${JSON.stringify(result)}\n`);
    process.stderr.write(
      `${result.labels.length} reports → ${result.clusters} clusters in ${result.seconds.toFixed(3)} s\n`,
    );
  } finally {
    await representation.close?.();
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'cluster') return cluster(rest);
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(`fixloop: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`fixloop: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
