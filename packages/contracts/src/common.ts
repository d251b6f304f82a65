import { z } from 'zod';

/** An ISO 8601 timestamp as the API writes it (UTC, millisecond precision). */
export const Timestamp = z.string().meta({ format: 'date-time', example: '2026-01-31T12:00:00.000Z' });
export type Timestamp = z.infer<typeof Timestamp>;

/** A timestamp a client may send: any ISO 8601 date-time with an offset; stored as UTC. */
export const TimestampInput = z.iso.datetime({ offset: true });

/** Project ids: a lowercase slug. */
export const ProjectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lowercase slug of at most 63 characters');
export type ProjectId = z.infer<typeof ProjectId>;

export const Uuid = z.uuid();

/** Opaque pagination cursor returned as `nextCursor`. */
export const Cursor = z.string().min(1).max(512);

/** `limit` query parameter shared by every list route. */
export const Limit = z.coerce.number().int().min(1).max(200).default(50);

/** A page of a list: `{items, nextCursor}`; `nextCursor` is absent on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

/** Strings that the store accepts: no NUL bytes (they break downstream tools) and bounded length. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
}
