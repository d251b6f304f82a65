import { splitByMinSize } from '../cluster-issues.js';
import { clusterVectors } from '../cluster-vectors.js';
import { relabelByFirstAppearance } from '../labels.js';
import { prepareIssueTexts } from '../text.js';
import { CLUSTERING_METHODS, type ClusteringMethod, type Vectors } from '../types.js';
import { toVectors } from '../vector.js';

/** The threshold for lines that carry their own embeddings, when none is given. */
export const EMBEDDING_INPUT_THRESHOLD = 0.72;

export interface ClusterCommandArgs {
  /** JSONL: one `{id, title?, body?, embedding?}` per line. */
  input: string;
  method?: string;
  threshold?: number;
  minClusterSize?: number;
}

export interface ClusterCommandOptions {
  /** A monotonic clock in milliseconds (`performance.now`), for `seconds`. */
  now: () => number;
  /** The configured representation's default threshold, for lines without embeddings. */
  defaultThreshold?: number;
}

export interface ClusterCommandResult {
  /** One non-negative label per line, in input order; each singleton has a label of its own. */
  labels: number[];
  /** Distinct labels, singletons included. */
  clusters: number;
  /** Clustering time, excluding parsing and embedding. */
  seconds: number;
}

interface InputLine {
  title?: string;
  body?: string;
  embedding?: number[];
}

/**
 * `cli cluster`: clusters JSONL reports. Lines with embeddings use them, L2-normalized (threshold
 * default 0.72); lines without go through `embedTexts`, the configured representation (its default
 * threshold). Groups below `minClusterSize` (default 2) become singletons.
 */
export async function runClusterCommand(
  args: ClusterCommandArgs,
  embedTexts: ((texts: string[]) => Promise<Vectors>) | undefined,
  options: ClusterCommandOptions,
): Promise<ClusterCommandResult> {
  const method = parseMethod(args.method);
  const lines = parseLines(args.input);
  const withEmbedding = lines.filter((line) => line.embedding !== undefined).length;
  if (withEmbedding > 0 && withEmbedding < lines.length) {
    throw new Error(`${withEmbedding} of ${lines.length} lines have an embedding: give all or none`);
  }
  let vectors: Vectors;
  let threshold = args.threshold;
  if (withEmbedding > 0 || lines.length === 0) {
    vectors = toVectors(lines.map((line) => line.embedding ?? []));
    threshold ??= EMBEDDING_INPUT_THRESHOLD;
  } else {
    if (!embedTexts) throw new Error('the lines have no embeddings and no representation is configured');
    vectors = await embedTexts(prepareIssueTexts(lines));
    threshold ??= options.defaultThreshold;
    if (threshold === undefined) throw new Error('no --threshold and the representation has no default');
  }
  if (!Number.isFinite(threshold) || threshold < -1 || threshold > 1) {
    throw new RangeError(`threshold must be a number in [-1, 1], got ${threshold}`);
  }

  const started = options.now();
  const groups = clusterVectors(vectors, { method, simThreshold: threshold });
  const { labels: kept } = splitByMinSize(groups, args.minClusterSize ?? 2);
  // Singletons (−1) each get an id of their own before renumbering.
  const labels = Array.from(relabelByFirstAppearance(kept.map((label, i) => (label >= 0 ? label : -1 - i))));
  const seconds = (options.now() - started) / 1000;
  return { labels, clusters: new Set(labels).size, seconds };
}

function parseMethod(method: string | undefined): ClusteringMethod {
  if (method === undefined) return 'agglomerative';
  const known = CLUSTERING_METHODS.find((m) => m === method);
  if (!known) throw new Error(`unknown method ${method}: use ${CLUSTERING_METHODS.join(', ')}`);
  return known;
}

function parseLines(input: string): InputLine[] {
  const lines: InputLine[] = [];
  input.split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${where}: expected an object`);
    }
    const { id, title, body, embedding } = value as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new Error(`${where}: id must be a string or number`);
    if (title !== undefined && title !== null && typeof title !== 'string')
      throw new Error(`${where}: bad title`);
    if (body !== undefined && body !== null && typeof body !== 'string')
      throw new Error(`${where}: bad body`);
    if (embedding !== undefined && !isNumberArray(embedding)) {
      throw new Error(`${where}: embedding must be an array of finite numbers`);
    }
    lines.push({
      title: typeof title === 'string' ? title : undefined,
      body: typeof body === 'string' ? body : undefined,
      embedding,
    });
  });
  return lines;
}

function isNumberArray(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((x) => typeof x === 'number' && Number.isFinite(x))
  );
}
