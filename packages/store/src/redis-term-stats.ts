import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** A project's document frequencies as one consistent snapshot. */
export interface TermStatsSnapshot {
  documents: number;
  /** Feature index → documents containing it (only non-zero entries). */
  df: Map<number, number>;
}

/** One document to count: a fingerprint that identifies it, and its distinct feature indices. */
export interface ObservedDocument {
  fingerprint: string;
  features: ArrayLike<number>;
}

/**
 * Counts one document unless its fingerprint was counted before, atomically. A different `space`
 * (another hash dimension or tokenizer version) makes the old counts meaningless: they are dropped.
 * KEYS: df hash, seen set. ARGV: space, fingerprint, feature indices... Returns 1 if counted.
 */
const OBSERVE = `
if redis.call('HGET', KEYS[1], 'space') ~= ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'space', ARGV[1], 'docs', 0)
end
if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
for i = 3, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
redis.call('HINCRBY', KEYS[1], 'docs', 1)
return 1
`;

/** Documents counted per pipeline. */
const OBSERVE_CHUNK = 250;

type WithObserve = Redis & {
  fixloopObserveTerms(
    df: string,
    seen: string,
    space: string,
    fingerprint: string,
    ...features: string[]
  ): Promise<number>;
};

/**
 * Per-project document frequencies of the lexical channel in Redis: hash `project:{pid}:lexical:df`
 * (feature index → count, plus `docs` and the feature `space`) and set `project:{pid}:lexical:seen`
 * of counted fingerprints, so re-embedding a text never counts it twice. Counts only grow: an
 * edited or deleted report leaves its old counts (bounded drift; `clear` and a recluster reset it).
 */
export class RedisTermStats {
  private readonly redis: WithObserve;

  constructor(redis: Redis) {
    if (!('fixloopObserveTerms' in redis)) {
      redis.defineCommand('fixloopObserveTerms', { numberOfKeys: 2, lua: OBSERVE });
    }
    this.redis = redis as WithObserve;
  }

  /** The counts of `space`; empty when the project has none or counted in another space. */
  async load(projectId: string, space: string): Promise<TermStatsSnapshot> {
    const raw = await this.redis.hgetall(keys.lexicalDf(projectId));
    const df = new Map<number, number>();
    if (raw.space !== space) return { documents: 0, df };
    for (const [field, value] of Object.entries(raw)) {
      const index = Number(field);
      if (Number.isInteger(index) && index >= 0) df.set(index, Number(value));
    }
    return { documents: Number(raw.docs ?? 0), df };
  }

  /**
   * Counts each document not counted before (one atomic script per document, pipelined in rounds
   * of `OBSERVE_CHUNK`, so a large batch neither builds one huge pipeline on the event loop nor
   * holds Redis for long); answers which were new.
   */
  async observe(
    projectId: string,
    space: string,
    documents: readonly ObservedDocument[],
  ): Promise<boolean[]> {
    const dfKey = keys.lexicalDf(projectId);
    const seenKey = keys.lexicalSeen(projectId);
    const out: boolean[] = [];
    for (let s = 0; s < documents.length; s += OBSERVE_CHUNK) {
      const pipeline = this.redis.pipeline() as unknown as {
        fixloopObserveTerms: (...args: string[]) => unknown;
        exec: () => Promise<Array<[Error | null, unknown]> | null>;
      };
      for (const doc of documents.slice(s, s + OBSERVE_CHUNK)) {
        pipeline.fixloopObserveTerms(
          dfKey,
          seenKey,
          space,
          doc.fingerprint,
          ...Array.from(doc.features, String),
        );
      }
      for (const [err, counted] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        out.push(counted === 1);
      }
    }
    return out;
  }

  /** Forgets the project's counts (before a full rebuild). */
  async clear(projectId: string): Promise<void> {
    await this.redis.del(keys.lexicalDf(projectId), keys.lexicalSeen(projectId));
  }
}
