import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InMemoryProjectTermStats } from '@fixloop/adapters';
import { runClusterCommand, toVectors } from '@fixloop/clustering';
import pino from 'pino';
import { composeRepresentation } from '../clustering/compose.js';
import { ConfigError, loadConfig } from '../config.js';
import { exportCommand, importCommand } from './backup-commands.js';
import { UsageError } from './usage-error.js';

const USAGE = `usage:
  npm run cli -- cluster --input FILE.jsonl --output OUT.json [--method agglomerative|centroid|vector_like]
                         [--threshold T] [--min-cluster-size N]
  npm run --silent cli -- export --project P > dump.ndjson
  npm run --silent cli -- import --project P [--replace] < dump.ndjson

cluster: each input line is {"id", "title"?, "body"?, "embedding"?}. With embeddings on every line
they are L2-normalized and used as given (threshold default 0.72); without, the configured
representation (EMBEDDINGS_PROVIDER) embeds the texts and its own default threshold applies.

export / import: a project's backup, one JSON line per Redis key between a header and a trailer
(see docs/operations.md). Import checks the whole dump first and writes nothing if any line is bad,
it is truncated, of another project, or touches keys outside the project; it refuses a project that
already has data unless --replace, which swaps the old data for the dump in one transaction.
Redis: REDIS_URL, else the managed Redis of DATA_DIR (started for the command when not running).
Exit status: 0 done, 2 usage, 1 anything else (messages on stderr; only the dump on stdout).`;

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

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'cluster') return cluster(rest);
  if (command === 'export') return exportCommand(rest);
  if (command === 'import') return importCommand(rest);
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
