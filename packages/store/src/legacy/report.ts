/** What the migration found and did, per kind of legacy record. */

export const LEGACY_KINDS = ['feedback', 'clusters', 'jobs', 'config'] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

/** A legacy key that was not migrated, and why. */
export interface Skip {
  key: string;
  reason: string;
}

/** A conversion: the record in today's shape plus notes on what was adjusted, or why it cannot be. */
export type Conversion<T> = { ok: true; value: T; notes: string[] } | { ok: false; reason: string };

export interface KindTally {
  /** Legacy records of this kind (each key once, including the ones only an index names). */
  found: number;
  /** Written by this run (with `dryRun`: would be written). */
  migrated: number;
  /** Already in the new layout from an earlier run: nothing written. */
  alreadyThere: number;
  /** Reports whose (source, external id) a stored report already has: not stored twice. */
  duplicates: number;
  skipped: Skip[];
  /** Migrated with an adjustment: note → the keys it applies to. */
  notes: Record<string, string[]>;
}

export interface DeletionReport {
  /** Legacy keys deleted (with `dryRun`: that would be), per kind; index keys count under `indexes`. */
  deleted: Record<LegacyKind | 'indexes', number>;
  /** Index entries removed from legacy index keys whose other entries are still unverified. */
  indexEntriesRemoved: number;
  /** Legacy keys kept because their record is not verified present in the new layout. */
  kept: Skip[];
}

export interface MigrationReport {
  projectId: string;
  dryRun: boolean;
  kinds: Record<LegacyKind, KindTally>;
  /** Keys that look like neither today's layout nor a known legacy record: left alone. */
  unrecognized: Array<{ pattern: string; count: number; example: string }>;
  /** Where an interrupted earlier run had got to, per kind (the last id it finished). */
  resumedAfter: Partial<Record<LegacyKind, string>>;
  /** The project's representation was set so that the next clustering run reclusters. */
  reclusterMarked: boolean;
  deletion?: DeletionReport;
  seconds: number;
}

export function emptyTally(): KindTally {
  return { found: 0, migrated: 0, alreadyThere: 0, duplicates: 0, skipped: [], notes: {} };
}

/** Records that a key was migrated with an adjustment (each key once per note). */
export function addNote(t: KindTally, note: string, key: string): void {
  const keys = t.notes[note] ?? [];
  if (keys[keys.length - 1] !== key) keys.push(key);
  t.notes[note] = keys;
}

/** Whether a run wrote (or, dry, would write) anything. */
export function changedAnything(r: MigrationReport): boolean {
  const deleted = r.deletion ? Object.values(r.deletion.deleted).some((n) => n > 0) : false;
  return (
    LEGACY_KINDS.some((k) => r.kinds[k].migrated > 0) || deleted || (r.deletion?.indexEntriesRemoved ?? 0) > 0
  );
}

const NOTE_EXAMPLES = 3;

/** The report as plain text lines for a terminal. */
export function formatReport(r: MigrationReport): string[] {
  const verb = r.dryRun ? 'would migrate' : 'migrated';
  const out: string[] = [
    `${r.dryRun ? 'Dry run (nothing written): ' : ''}legacy layout → project "${r.projectId}"`,
    '',
    `${'kind'.padEnd(10)}${'found'.padStart(8)}${verb.padStart(15)}${'already there'.padStart(15)}${'duplicates'.padStart(12)}${'skipped'.padStart(9)}`,
  ];
  for (const k of LEGACY_KINDS) {
    const t = r.kinds[k];
    out.push(
      `${k.padEnd(10)}${String(t.found).padStart(8)}${String(t.migrated).padStart(15)}${String(t.alreadyThere).padStart(15)}${String(t.duplicates).padStart(12)}${String(t.skipped.length).padStart(9)}`,
    );
  }
  for (const [k, when] of Object.entries(r.resumedAfter)) {
    out.push('', `Resumed ${k} after ${when} (an earlier run stopped there).`);
  }
  for (const k of LEGACY_KINDS) {
    const t = r.kinds[k];
    if (t.skipped.length > 0) {
      out.push('', `Skipped ${k} (kept in the legacy layout):`);
      for (const s of t.skipped) out.push(`  ${s.key}: ${s.reason}`);
    }
    const notes = Object.entries(t.notes);
    if (notes.length > 0) {
      out.push('', `Adjusted ${k}:`);
      for (const [note, keys] of notes) {
        const more = keys.length > NOTE_EXAMPLES ? `, … ${keys.length - NOTE_EXAMPLES} more` : '';
        out.push(`  ${note} — ${keys.length}× (${keys.slice(0, NOTE_EXAMPLES).join(', ')}${more})`);
      }
    }
  }
  if (r.unrecognized.length > 0) {
    out.push('', 'Keys not recognized as legacy records (left alone):');
    for (const u of r.unrecognized) out.push(`  ${u.pattern}: ${u.count} (e.g. ${u.example})`);
  }
  if (r.deletion) out.push(...formatDeletion(r.deletion, r.dryRun));
  out.push('');
  if (r.reclusterMarked && r.dryRun) {
    out.push('Migrated clusters have no vectors: a real run marks the project for a recluster.');
  } else if (r.reclusterMarked) {
    out.push(
      'Migrated clusters have no vectors yet: the next clustering run re-embeds and reclusters the project',
      '(it starts with the next ingest, POST /cluster-jobs, or a worker start while reports wait).',
    );
  }
  if (!changedAnything(r)) {
    out.push(
      r.dryRun
        ? 'Nothing to do: every legacy record is already in the new layout or skipped.'
        : 'Nothing changed: every legacy record is already in the new layout or skipped.',
    );
  }
  out.push(`Done in ${r.seconds.toFixed(2)} s.`);
  return out;
}

function formatDeletion(d: DeletionReport, dryRun: boolean): string[] {
  const out = ['', dryRun ? 'Legacy keys that --delete-legacy would delete now:' : 'Deleted legacy keys:'];
  for (const [k, n] of Object.entries(d.deleted)) out.push(`  ${k.padEnd(10)}${String(n).padStart(8)}`);
  if (d.indexEntriesRemoved > 0) {
    out.push(`  and ${d.indexEntriesRemoved} entries of legacy indexes that still name unverified records`);
  }
  if (d.kept.length > 0) {
    out.push(`Kept ${d.kept.length} legacy keys (not verified present in the new layout):`);
    for (const s of d.kept) out.push(`  ${s.key}: ${s.reason}`);
  }
  return out;
}
