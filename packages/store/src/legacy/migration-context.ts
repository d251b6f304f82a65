import type { Redis } from 'ioredis';
import type { LegacyKeyspace } from './legacy-keyspace.js';
import type { LegacyKind } from './report.js';

/**
 * The migration's own bookkeeping, global keys outside every project:
 * - `migration:legacy` (hash): `<kind>:last` = the last id of that kind a run finished (resume
 *   point, for the report), `lockToken` = the clustering-lock token of the current run;
 * - `migration:legacy:aliases` (hash): legacy feedback id → the stored report with the same
 *   (source, external id) that stands for it;
 * - `migration:legacy:feedback`, `…:clusters`, `…:jobs` (sets): the ids migrated. A rerun leaves
 *   them alone even after they changed (a report deleted, a cluster a recluster emptied), and
 *   `--delete-legacy` recognizes them.
 */
export const migrationKeys = {
  progress: 'migration:legacy',
  aliases: 'migration:legacy:aliases',
  done: (kind: 'feedback' | 'clusters' | 'jobs') => `migration:legacy:${kind}`,
} as const;

/** Called after every write step (a report, a chunk of a cluster's members, a job's log, …). */
export type AfterWrite = (kind: LegacyKind, id: string) => void | Promise<void>;

export interface MigrationContext {
  redis: Redis;
  projectId: string;
  now: Date;
  dryRun: boolean;
  batchSize: number;
  space: LegacyKeyspace;
  /** Legacy feedback id → the id of the report that holds it in the new layout (itself, or an alias). */
  resolved: Map<string, string>;
  /** Cluster ids this run found in the new layout or wrote (dry: would write). */
  clusters: Set<string>;
  /** Dry runs only: report id → the cluster this run would have put it in. */
  placed: Map<string, string>;
  afterWrite: AfterWrite;
}

/** The per-kind resume markers: where the last run got to. */
export class Progress {
  private readonly start = new Map<LegacyKind, string>();

  private constructor(
    private readonly redis: Redis,
    private readonly dryRun: boolean,
  ) {}

  static async load(redis: Redis, dryRun: boolean): Promise<Progress> {
    const p = new Progress(redis, dryRun);
    const h = await redis.hgetall(migrationKeys.progress);
    for (const [f, v] of Object.entries(h)) {
      if (f.endsWith(':last')) p.start.set(f.slice(0, -':last'.length) as LegacyKind, v);
    }
    return p;
  }

  /** The last id an earlier run finished, if it did not get to the end of this kind. */
  lastOf(kind: LegacyKind): string | undefined {
    return this.start.get(kind);
  }

  async finished(kind: LegacyKind, id: string): Promise<void> {
    if (!this.dryRun) await this.redis.hset(migrationKeys.progress, `${kind}:last`, id);
  }

  /** A kind is complete: its marker goes, so the next run does not read as a resume. */
  async complete(kind: LegacyKind): Promise<void> {
    if (!this.dryRun) await this.redis.hdel(migrationKeys.progress, `${kind}:last`);
  }
}
