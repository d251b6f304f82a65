import { DomainError } from '@fixloop/domain';
import type { Redis } from 'ioredis';

/** A list position: the score (createdAt ms) and id of the last item a page returned. */
export interface Position {
  score: number;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.score, p.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor, or null when it is not one this server wrote. */
export function decodeCursor(cursor: string): Position | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [score, id] = v as unknown[];
    if (typeof score !== 'number' || !Number.isFinite(score) || typeof id !== 'string' || id.length > 200)
      return null;
    return { score, id };
  } catch {
    return null;
  }
}

/** The position a client's cursor names; a cursor this server did not write is a 422. */
export function positionOf(cursor: string): Position {
  const position = decodeCursor(cursor);
  if (!position) {
    throw new DomainError('validation_failed', 'cursor: not a cursor this server returned', {
      issues: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return position;
}

/**
 * The rank (in descending order) right after a position in a sorted-set index: found by rank, or by
 * counting when the member was removed meanwhile, so a walk returns every member exactly once.
 */
export async function rankAfter(redis: Redis, index: string, p: Position): Promise<number> {
  const rank = await redis.zrevrank(index, p.id);
  if (rank !== null) return rank + 1;
  const above = await redis.zcount(index, `(${p.score}`, '+inf');
  const ties = await redis.zrangebyscore(index, p.score, p.score);
  return above + ties.filter((id) => id > p.id).length;
}
