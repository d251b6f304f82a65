import { randomUUID } from 'node:crypto';
import type { FeedbackItem, FeedbackListQuery, FeedbackStatus, NewFeedback } from '@fixloop/contracts';
import {
  type AddOutcome,
  type BulkAddResult,
  type FeedbackPage,
  type FeedbackPatch,
  type FeedbackStore,
  feedbackLimitReached,
  type UpsertOutcome,
  usageMonth,
} from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { encodeCursor, type Position, positionOf, rankAfter } from './cursor.js';
import { decodeFeedback, encodeFeedback, materialize } from './feedback-codec.js';
import { keys } from './keys.js';
import { defineScripts, limitSpec, type ScriptCommands, type ScriptPipeline } from './scripts.js';

/** Reports per bulk script call: large enough to amortize, small enough not to stall Redis. */
const ADD_MANY_CHUNK = 500;
const SCAN_BATCH_MIN = 100;
const SCAN_BATCHES_MAX = 20;
const DAY_MS = 86_400_000;
/** Keep a month's counter a little over a year: usage reports read past months. */
export const USAGE_TTL_SECONDS = 400 * 24 * 3600;

type Mode = 'add' | 'add-id' | 'upsert';

/** Reports in Redis, one hash per report plus the indexes of the key schema. */
export class RedisFeedbackStore implements FeedbackStore {
  private readonly redis: Redis & ScriptCommands;
  private readonly limits: string;

  /** `allowance`: each plan's monthly report limit (null or absent: unlimited; counted all the same). */
  constructor(
    redis: Redis,
    private readonly now: () => Date = () => new Date(),
    allowance: Readonly<Record<string, number | null>> = {},
  ) {
    this.redis = defineScripts(redis);
    this.limits = limitSpec(allowance);
  }

  private scriptArgs(
    projectId: string,
    mode: Mode,
    input: NewFeedback,
  ): { args: string[]; item: FeedbackItem } {
    const now = this.now();
    const item = materialize(projectId, randomUUID(), input, now);
    const ext = item.externalId;
    return {
      item,
      args: [
        keys.feedback(projectId, item.id),
        keys.feedbackCreated(projectId),
        keys.feedbackSource(projectId, item.source),
        keys.feedbackUnclustered(projectId),
        ext === undefined
          ? keys.feedbackExternal(projectId, item.source, '')
          : keys.feedbackExternal(projectId, item.source, ext),
        keys.feedbackSourcesKnown(projectId),
        keys.feedbackUsage(projectId, usageMonth(now)),
        keys.feedbackHeld(projectId),
        keys.billing(projectId),
        mode,
        item.id,
        keys.feedbackPrefix(projectId),
        String(Date.parse(item.createdAt)),
        ext === undefined ? '0' : '1',
        this.limits,
        String(USAGE_TTL_SECONDS),
        ...encodeFeedback(item),
      ],
    };
  }

  async addFeedbackItem(
    projectId: string,
    input: NewFeedback,
  ): Promise<{ item: FeedbackItem; outcome: AddOutcome; releasable?: boolean }> {
    const { args, item } = this.scriptArgs(projectId, 'add', input);
    const reply = await this.redis.fixloopAddFeedback(...args);
    const created = this.createdOf(reply, item);
    if (created) return { ...created, outcome: 'created' };
    return { item: this.requireDecoded(reply[3]), outcome: 'duplicate' };
  }

  /** A new report's answer from ADD_FEEDBACK (null for an existing one); past the hard cap, the 429. */
  private createdOf(
    [outcome, second, flag]: [string, string, string, string[]],
    item: FeedbackItem,
  ): { item: FeedbackItem; releasable?: boolean } | null {
    if (outcome === 'rejected') throw feedbackLimitReached(second, Number(flag));
    if (outcome === 'held') return { item: { ...item, held: true } };
    if (outcome !== 'created') return null;
    return flag === 'release' ? { item, releasable: true } : { item };
  }

  async addFeedbackItems(projectId: string, inputs: NewFeedback[]): Promise<BulkAddResult[]> {
    const out: BulkAddResult[] = [];
    const now = this.now();
    for (let start = 0; start < inputs.length; start += ADD_MANY_CHUNK) {
      const args = [
        keys.feedbackCreated(projectId),
        keys.feedbackUnclustered(projectId),
        keys.feedbackSourcesKnown(projectId),
        keys.feedbackUsage(projectId, usageMonth(now)),
        keys.feedbackHeld(projectId),
        keys.billing(projectId),
        keys.prefix(projectId),
        this.limits,
        String(USAGE_TTL_SECONDS),
      ];
      for (const input of inputs.slice(start, start + ADD_MANY_CHUNK)) {
        const item = materialize(projectId, randomUUID(), input, now);
        const fields = encodeFeedback(item);
        args.push(
          item.id,
          String(Date.parse(item.createdAt)),
          item.source,
          item.externalId ?? '',
          item.status,
          String(fields.length / 2),
          ...fields,
        );
      }
      const reply = await this.redis.fixloopAddFeedbackMany(...args);
      // The last pair is the plan and its limit, for the rows past the hard cap.
      const plan = reply[reply.length - 2] as string;
      const limit = Number(reply[reply.length - 1]);
      for (let i = 0; i < reply.length - 2; i += 2) {
        const outcome = reply[i];
        const id = reply[i + 1] as string;
        if (outcome === 'rejected') out.push({ outcome, id: '', plan, limit });
        else if (outcome === 'held') out.push({ outcome: 'created', id, held: true });
        else out.push({ outcome: outcome === 'created' ? 'created' : 'duplicate', id });
      }
    }
    return out;
  }

  async upsert(
    projectId: string,
    input: NewFeedback & { externalId: string },
  ): Promise<{ item: FeedbackItem; outcome: UpsertOutcome; releasable?: boolean }> {
    const { args, item } = this.scriptArgs(projectId, 'upsert', input);
    const reply = await this.redis.fixloopAddFeedback(...args);
    const created = this.createdOf(reply, item);
    if (created) return { ...created, outcome: 'created' };
    const [outcome, , , existing] = reply;
    return { item: this.requireDecoded(existing), outcome: outcome === 'updated' ? 'updated' : 'unchanged' };
  }

  async upsertMany(
    projectId: string,
    inputs: Array<NewFeedback & { externalId: string }>,
  ): Promise<
    Array<{
      id: string;
      outcome: UpsertOutcome;
      status: FeedbackStatus;
      previousStatus?: FeedbackStatus;
      held?: boolean;
    }>
  > {
    const pipeline = this.redis.pipeline() as unknown as ScriptPipeline;
    for (const input of inputs)
      pipeline.fixloopAddFeedback(...this.scriptArgs(projectId, 'upsert', input).args);
    const replies = await pipeline.exec();
    // Rows past the hard cap wrote nothing; the others are stored before the 429 is thrown.
    const rejected = (replies ?? []).find(([, reply]) => (reply as string[] | null)?.[0] === 'rejected');
    if (rejected) {
      const [, plan, limit] = rejected[1] as [string, string, string];
      throw feedbackLimitReached(plan, Number(limit));
    }
    return (replies ?? []).map(([err, reply], i) => {
      if (err) throw err;
      const [outcome, id, prev, fields] = reply as [string, string, string, string[]];
      if (outcome === 'created' || outcome === 'held') {
        const status = (inputs[i] as NewFeedback).status;
        return outcome === 'held'
          ? { id, outcome: 'created', status, held: true }
          : { id, outcome: 'created', status };
      }
      const item = this.requireDecoded(fields);
      return {
        id,
        outcome: outcome === 'updated' ? 'updated' : 'unchanged',
        status: item.status,
        previousStatus: prev === 'closed' ? 'closed' : 'open',
      };
    });
  }

  async get(projectId: string, id: string): Promise<FeedbackItem | null> {
    if (namesAnIndex(id)) return null;
    return decodeFeedback(await this.redis.hgetall(keys.feedback(projectId, id)));
  }

  getMany(projectId: string, ids: string[]): Promise<Array<FeedbackItem | null>> {
    return ids.length === 0 ? Promise.resolve([]) : this.fetch(projectId, ids);
  }

  allIds(projectId: string): Promise<string[]> {
    return this.redis.zrange(keys.feedbackCreated(projectId), 0, -1);
  }

  async findByExternalId(
    projectId: string,
    source: string,
    externalId: string,
  ): Promise<FeedbackItem | null> {
    const id = await this.redis.get(keys.feedbackExternal(projectId, source, externalId));
    return id === null ? null : this.get(projectId, id);
  }

  async update(projectId: string, id: string, patch: FeedbackPatch): Promise<FeedbackItem | null> {
    if (namesAnIndex(id)) return null;
    const args: string[] = [keys.feedback(projectId, id), keys.feedbackUnclustered(projectId), id];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      args.push(field, field === 'metadata' ? JSON.stringify(value) : String(value));
    }
    const fields = await this.redis.fixloopUpdateFeedback(...args);
    return fields === null ? null : decodeFeedback(fields);
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    if (namesAnIndex(id)) return false;
    const removed = await this.redis.fixloopDeleteFeedback(
      keys.feedback(projectId, id),
      keys.feedbackCreated(projectId),
      keys.feedbackUnclustered(projectId),
      id,
      keys.prefix(projectId),
    );
    return removed === 1;
  }

  /**
   * Newest first. The cursor is the (score, id) of the last item returned; the next page starts
   * right after it (found by rank, or by counting when it was deleted meanwhile), so a walk returns
   * every item exactly once. Filters other than `source` are applied while scanning, a bounded
   * number of batches per call.
   */
  async list(projectId: string, query: FeedbackListQuery): Promise<FeedbackPage> {
    const index = query.source
      ? keys.feedbackSource(projectId, query.source)
      : keys.feedbackCreated(projectId);
    let start = 0;
    if (query.cursor !== undefined) {
      start = await rankAfter(this.redis, index, positionOf(query.cursor));
    }
    const filtered =
      query.clustered !== undefined ||
      query.status !== undefined ||
      query.held !== undefined ||
      query.q !== undefined;
    const batch = filtered ? Math.max(SCAN_BATCH_MIN, query.limit * 2) : query.limit + 1;
    const needle = query.q?.toLowerCase();
    const items: FeedbackItem[] = [];
    let last: Position | undefined;
    for (let round = 0; round < (filtered ? SCAN_BATCHES_MAX : 1); round++) {
      const flat = await this.redis.zrange(index, start, start + batch - 1, 'REV', 'WITHSCORES');
      if (flat.length === 0) return { items };
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        ids.push(flat[i] as string);
        scores.push(Number(flat[i + 1]));
      }
      const hashes = await this.fetch(projectId, ids);
      for (let i = 0; i < ids.length; i++) {
        if (items.length === query.limit) return { items, nextCursor: encodeCursor(last as Position) };
        last = { score: scores[i] as number, id: ids[i] as string };
        const item = hashes[i];
        if (item && matches(item, query, needle)) items.push(item);
      }
      start += ids.length;
      if (ids.length < batch) return { items };
    }
    return last === undefined ? { items } : { items, nextCursor: encodeCursor(last) };
  }

  private async fetch(projectId: string, ids: string[]): Promise<Array<FeedbackItem | null>> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.feedback(projectId, id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, h]) => (err ? null : decodeFeedback(h as Record<string, string>)));
  }

  async getUnclusteredFeedback(projectId: string, limit = 10_000): Promise<FeedbackItem[]> {
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(
        keys.feedbackUnclustered(projectId),
        cursor,
        'COUNT',
        1000,
      );
      cursor = next;
      ids.push(...batch);
    } while (cursor !== '0' && ids.length < limit);
    const items = await this.fetch(projectId, ids.slice(0, limit));
    return items.filter((i): i is FeedbackItem => i !== null);
  }

  countUnclustered(projectId: string): Promise<number> {
    return this.redis.scard(keys.feedbackUnclustered(projectId));
  }

  async removeFromUnclustered(projectId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.srem(keys.feedbackUnclustered(projectId), ...ids);
  }

  async countBySource(projectId: string): Promise<Record<string, number>> {
    const sources = (await this.redis.smembers(keys.feedbackSourcesKnown(projectId))).sort();
    const pipeline = this.redis.pipeline();
    for (const s of sources) pipeline.zcard(keys.feedbackSource(projectId, s));
    const replies = (await pipeline.exec()) ?? [];
    return Object.fromEntries(sources.map((s, i) => [s, Number(replies[i]?.[1] ?? 0)]));
  }

  async dailyCountsBySource(
    projectId: string,
    fromMs: number,
    days: number,
  ): Promise<Record<string, number[]>> {
    const sources = (await this.redis.smembers(keys.feedbackSourcesKnown(projectId))).sort();
    const pipeline = this.redis.pipeline();
    for (const s of sources) {
      for (let d = 0; d < days; d++) {
        const start = fromMs + d * DAY_MS;
        pipeline.zcount(keys.feedbackSource(projectId, s), start, `(${start + DAY_MS}`);
      }
    }
    const replies = (await pipeline.exec()) ?? [];
    return Object.fromEntries(
      sources.map((s, i) => [
        s,
        Array.from({ length: days }, (_, d) => Number(replies[i * days + d]?.[1] ?? 0)),
      ]),
    );
  }

  private requireDecoded(fields: string[] | undefined): FeedbackItem {
    const item = decodeFeedback(fields ?? []);
    if (!item) throw new Error('stored report vanished during ingest');
    return item;
  }
}

/** Ids that would address one of the project's feedback index keys instead of an item's hash. */
function namesAnIndex(id: string): boolean {
  return (
    id === 'created' ||
    id === 'unclustered' ||
    id === 'sources' ||
    id === 'held' ||
    id.startsWith('held:') ||
    id.startsWith('source:') ||
    id.startsWith('external:')
  );
}

function matches(item: FeedbackItem, q: FeedbackListQuery, needle: string | undefined): boolean {
  if (q.status !== undefined && item.status !== q.status) return false;
  if (q.held !== undefined && (item.held === true) !== q.held) return false;
  if (q.clustered !== undefined && (item.clusterId !== undefined) !== q.clustered) return false;
  if (needle !== undefined) {
    return item.title.toLowerCase().includes(needle) || item.body.toLowerCase().includes(needle);
  }
  return true;
}
