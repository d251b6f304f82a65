import type { FeedbackItem } from '@fixloop/contracts';
import { encodeFeedback } from '../feedback-codec.js';
import { keys } from '../keys.js';
import { defineScripts, limitSpec, type ScriptPipeline } from '../scripts.js';
import { convertFeedback } from './convert-feedback.js';
import { membersOf } from './legacy-keyspace.js';
import { type MigrationContext, migrationKeys, type Progress } from './migration-context.js';
import { addNote, type KindTally } from './report.js';

/** Ids today's store reads as its own index keys under `feedback:` (never a report's id). */
const RESERVED_IDS = new Set(['created', 'unclustered', 'sources', 'vectors', 'pinned']);

/**
 * Reports, batch by batch in id order, each written by the store's own add script (hash, the
 * `created` and per-source indexes, `sources`, `unclustered` for open reports and the external-id
 * key, in one atomic step) under its legacy id. A report already there is left as it is, so a
 * rerun or a resume after a crash writes each report once.
 */
export async function migrateFeedback(
  ctx: MigrationContext,
  progress: Progress,
  tally: KindTally,
): Promise<void> {
  const { redis, space } = ctx;
  const indexed = new Map<string, string>();
  const createdScores = new Map<string, string>();
  for (const ix of space.indexes.filter((i) => i.lists === 'feedback')) {
    if (ix.key === 'feedback:created' && ix.type === 'zset') {
      const flat = await redis.zrange(ix.key, 0, -1, 'WITHSCORES');
      for (let i = 0; i + 1 < flat.length; i += 2)
        createdScores.set(flat[i] as string, flat[i + 1] as string);
    }
    for (const id of await membersOf(redis, ix.key, ix.type)) if (!indexed.has(id)) indexed.set(id, ix.key);
  }
  const notRecords = space.notRecords.filter((r) => r.kind === 'feedback');
  const notRecordIds = new Set(notRecords.map((r) => r.key.slice('feedback:'.length)));
  for (const r of notRecords) tally.skipped.push({ key: r.key, reason: `a ${r.type}, not a hash` });
  const indexOnly = [...indexed.keys()]
    .filter((id) => !space.feedback.has(id) && !notRecordIds.has(id))
    .sort();
  for (const id of indexOnly) {
    tally.skipped.push({ key: `feedback:${id}`, reason: `listed in ${indexed.get(id)} but has no hash` });
  }
  const ids: string[] = [];
  for (const id of [...space.feedback.keys()].sort()) {
    if (RESERVED_IDS.has(id))
      tally.skipped.push({ key: `feedback:${id}`, reason: 'its id names an index key today' });
    else ids.push(id);
  }
  tally.found = space.feedback.size + notRecords.length + indexOnly.length;

  const claimed = new Map<string, string>();
  for (let s = 0; s < ids.length; s += ctx.batchSize) {
    const batch = ids.slice(s, s + ctx.batchSize);
    const todo = await absent(ctx, batch, tally);
    const items: FeedbackItem[] = [];
    const legacy = await hashes(
      ctx,
      todo.map((id) => space.feedback.get(id) as string),
    );
    todo.forEach((id, i) => {
      const key = space.feedback.get(id) as string;
      const c = convertFeedback(id, legacy[i] ?? {}, {
        projectId: ctx.projectId,
        createdScore: createdScores.get(id) ?? null,
        now: ctx.now,
      });
      if (!c.ok) {
        tally.skipped.push({ key, reason: c.reason });
        return;
      }
      for (const n of c.notes) addNote(tally, n, key);
      items.push(c.value);
    });
    const outcomes = ctx.dryRun ? await wouldAdd(ctx, items, claimed) : await add(ctx, items);
    const created = items.filter((item, i) => outcomes[i] === item.id).map((item) => item.id);
    if (!ctx.dryRun && created.length > 0) await redis.sadd(migrationKeys.done('feedback'), ...created);
    for (const [i, item] of items.entries()) {
      const holder = outcomes[i] as string;
      ctx.resolved.set(item.id, holder);
      if (holder === item.id) {
        tally.migrated++;
        if (!ctx.dryRun) await ctx.afterWrite('feedback', item.id);
        continue;
      }
      tally.duplicates++;
      addNote(tally, `same source and external id as a stored report: stands for it`, `feedback:${item.id}`);
      if (!ctx.dryRun) await redis.hset(migrationKeys.aliases, item.id, holder);
    }
    await progress.finished('feedback', batch[batch.length - 1] as string);
  }
  await progress.complete('feedback');
}

/**
 * The ids of a batch not migrated yet. The others (stored, or recorded as migrated and deleted
 * since) count as already there; stored ones not yet recorded (a crash in between) are recorded.
 */
async function absent(ctx: MigrationContext, batch: string[], tally: KindTally): Promise<string[]> {
  const done = migrationKeys.done('feedback');
  const p = ctx.redis.pipeline();
  for (const id of batch) p.exists(keys.feedback(ctx.projectId, id)).sismember(done, id);
  const replies = ((await p.exec()) ?? []).map(([, v]) => Number(v));
  const unrecorded: string[] = [];
  const todo = batch.filter((id, i) => {
    const [stored, recorded] = [replies[2 * i] === 1, replies[2 * i + 1] === 1];
    if (!stored && !recorded) return true;
    tally.alreadyThere++;
    if (stored) ctx.resolved.set(id, id);
    if (stored && !recorded) unrecorded.push(id);
    return false;
  });
  if (!ctx.dryRun && unrecorded.length > 0) await ctx.redis.sadd(done, ...unrecorded);
  return todo;
}

async function hashes(ctx: MigrationContext, keyNames: string[]): Promise<Array<Record<string, string>>> {
  if (keyNames.length === 0) return [];
  const p = ctx.redis.pipeline();
  for (const k of keyNames) p.hgetall(k);
  return ((await p.exec()) ?? []).map(([, h]) => (h ?? {}) as Record<string, string>);
}

/** Writes the reports with the store's add script; answers, per report, the id that holds it. */
async function add(ctx: MigrationContext, items: FeedbackItem[]): Promise<string[]> {
  if (items.length === 0) return [];
  const scratch = scratchUsageKey(ctx.projectId);
  const pipeline = defineScripts(ctx.redis).pipeline() as unknown as ScriptPipeline;
  for (const item of items) pipeline.fixloopAddFeedback(...scriptArgs(ctx.projectId, item));
  const replies = (await pipeline.exec()) ?? [];
  await ctx.redis.del(scratch);
  return replies.map(([err, reply]) => {
    if (err) throw err;
    const [outcome, id] = reply as [string, string];
    if (outcome !== 'created' && outcome !== 'duplicate') {
      throw new Error(`the store's add script answered "${outcome}" for report ${id}`);
    }
    return id;
  });
}

/**
 * Where the add script counts new reports against the month's plan allowance: a key of the
 * migration's own, emptied after each batch. Legacy reports are history, not this month's
 * ingestion: they neither use up the allowance nor get held past it (the limit spec is empty:
 * unlimited).
 */
export function scratchUsageKey(pid: string): string {
  return `${keys.prefix(pid)}migration:usage-scratch`;
}

/** The dry-run twin of `add`: reads the external-id keys, and remembers what this run would claim. */
async function wouldAdd(
  ctx: MigrationContext,
  items: FeedbackItem[],
  claimed: Map<string, string>,
): Promise<string[]> {
  const p = ctx.redis.pipeline();
  for (const item of items) {
    if (item.externalId === undefined) p.echo('');
    else p.get(keys.feedbackExternal(ctx.projectId, item.source, item.externalId));
  }
  const replies = (await p.exec()) ?? [];
  const holders: string[] = [];
  for (const [i, item] of items.entries()) {
    if (item.externalId === undefined) {
      holders.push(item.id);
      continue;
    }
    const k = `${item.source}\u0000${item.externalId}`;
    const stored = replies[i]?.[1] as string | null;
    const holder =
      claimed.get(k) ??
      (stored && (await ctx.redis.exists(keys.feedback(ctx.projectId, stored))) ? stored : item.id);
    claimed.set(k, holder);
    holders.push(holder);
  }
  return holders;
}

/** KEYS and ARGV of the store's ADD_FEEDBACK script in `add-id` mode (see scripts.ts). */
function scriptArgs(pid: string, item: FeedbackItem): string[] {
  const ext = item.externalId;
  return [
    keys.feedback(pid, item.id),
    keys.feedbackCreated(pid),
    keys.feedbackSource(pid, item.source),
    keys.feedbackUnclustered(pid),
    keys.feedbackExternal(pid, item.source, ext ?? ''),
    keys.feedbackSourcesKnown(pid),
    scratchUsageKey(pid),
    keys.feedbackHeld(pid),
    keys.billing(pid),
    'add-id',
    item.id,
    keys.feedbackPrefix(pid),
    String(Date.parse(item.createdAt)),
    ext === undefined ? '0' : '1',
    limitSpec({}),
    '60',
    ...encodeFeedback(item),
  ];
}
