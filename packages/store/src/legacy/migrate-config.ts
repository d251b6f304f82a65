import type { RedisProjectStore } from '../redis-project-store.js';
import { parseJson } from './legacy-values.js';
import type { MigrationContext } from './migration-context.js';
import { addNote, type KindTally } from './report.js';

const SUBREDDIT = /^[A-Za-z0-9_]{2,21}$/;

/**
 * The dashboard's `config:reddit:subreddits` (a list, or a set or JSON/comma text), written through
 * the project store when the project has no list of its own. An own list is never overwritten.
 */
export async function migrateSubreddits(
  ctx: MigrationContext,
  projects: RedisProjectStore,
  tally: KindTally,
): Promise<void> {
  const key = ctx.space.subreddits;
  if (key === undefined) return;
  tally.found = 1;
  const raw = await legacyNames(ctx, key);
  const seen = new Set<string>();
  const names: string[] = [];
  for (const r of raw) {
    const name = r.trim().replace(/^\/?r\//i, '');
    if (!SUBREDDIT.test(name)) {
      if (name !== '') addNote(tally, `"${r}" is not a subreddit name: dropped`, key);
      continue;
    }
    if (!seen.has(name.toLowerCase())) names.push(name);
    seen.add(name.toLowerCase());
  }
  if (names.length === 0) {
    tally.skipped.push({ key, reason: 'no valid subreddit names' });
    return;
  }
  const current = await projects.getSubreddits(ctx.projectId);
  const have = new Set(current.map((s) => s.toLowerCase()));
  if (current.length > 0) {
    if (names.every((n) => have.has(n.toLowerCase()))) tally.alreadyThere++;
    else tally.skipped.push({ key, reason: `the project has its own list (${current.join(', ')}): kept it` });
    return;
  }
  tally.migrated++;
  if (!ctx.dryRun) {
    await projects.setSubreddits(ctx.projectId, names);
    await ctx.afterWrite('config', key);
  }
}

/** The subreddit names a legacy config key holds (also used to verify it before deleting it). */
export async function legacyNames(ctx: Pick<MigrationContext, 'redis'>, key: string): Promise<string[]> {
  const type = await ctx.redis.type(key);
  if (type === 'list') return ctx.redis.lrange(key, 0, -1);
  if (type === 'set') return (await ctx.redis.smembers(key)).sort();
  if (type !== 'string') return [];
  const s = (await ctx.redis.get(key)) ?? '';
  const parsed = parseJson(s);
  if (parsed && Array.isArray(parsed.value))
    return parsed.value.filter((v): v is string => typeof v === 'string');
  return s.split(/[\s,]+/).filter(Boolean);
}
