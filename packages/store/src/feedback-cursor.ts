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
