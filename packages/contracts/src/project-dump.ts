import { z } from 'zod';
import { ProjectId } from './common.js';

/**
 * A project dump (`npm run cli -- export`): NDJSON, one header line, one line per Redis key, one
 * trailer line. Keys and values are bytes: a JSON string when they are valid UTF-8, else base64.
 */
export const DUMP_FORMAT = 'fixloop-project-dump';
export const DUMP_VERSION = 1;

/** Bytes as a dump writes them: the text when it is valid UTF-8, else `{b64}`. */
export const DumpBytes = z.union([z.string(), z.strictObject({ b64: z.base64() })]);
export type DumpBytes = z.infer<typeof DumpBytes>;

/** A stream entry id, `<ms>-<seq>`. */
export const StreamId = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'a stream id such as 1712345678901-0');

/** A sorted-set score as Redis writes it (a float, `inf` or `-inf`), kept as text so nothing is rounded. */
const Score = z
  .string()
  .regex(/^([-+]?inf|[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)$/, 'a score such as 1712345678901 or -inf');

/** Compares two stream ids numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

const StreamValue = z
  .strictObject({
    /** The stream's last generated id (it can be past the last entry once entries were trimmed). */
    lastId: StreamId,
    entriesAdded: z.number().int().min(0).optional(),
    maxDeletedId: StreamId.optional(),
    /** Entries in id order; each with its fields and values flattened (`[f1, v1, f2, v2, …]`). */
    entries: z.array(z.tuple([StreamId, z.array(DumpBytes).min(2)])),
  })
  .superRefine((s, ctx) => {
    let previous = '0-0';
    s.entries.forEach(([id, fields], i) => {
      if (fields.length % 2 !== 0)
        ctx.addIssue({ code: 'custom', path: ['entries', i], message: 'odd field list' });
      if (compareStreamIds(id, previous) <= 0)
        ctx.addIssue({ code: 'custom', path: ['entries', i], message: 'entry ids must increase' });
      previous = id;
    });
    if (compareStreamIds(s.lastId, previous) < 0)
      ctx.addIssue({ code: 'custom', path: ['lastId'], message: 'lastId is before the last entry' });
  });

const common = {
  key: DumpBytes,
  /** When the key expires (Unix ms); absent: it does not. */
  expiresAt: z.number().int().positive().optional(),
  /** The line holds only the project's own entry of a key other projects share (merged on import). */
  shared: z.literal(true).optional(),
};

/** One Redis key and its whole value. Empty collections do not exist in Redis, so none appear here. */
export const DumpRecord = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('string'), value: DumpBytes }),
  z.strictObject({
    ...common,
    type: z.literal('hash'),
    value: z.array(z.tuple([DumpBytes, DumpBytes])).min(1),
  }),
  z.strictObject({ ...common, type: z.literal('set'), value: z.array(DumpBytes).min(1) }),
  z.strictObject({ ...common, type: z.literal('zset'), value: z.array(z.tuple([DumpBytes, Score])).min(1) }),
  z.strictObject({ ...common, type: z.literal('list'), value: z.array(DumpBytes).min(1) }),
  z.strictObject({ ...common, type: z.literal('stream'), value: StreamValue }),
]);
export type DumpRecord = z.infer<typeof DumpRecord>;

export const DumpHeader = z.strictObject({
  format: z.literal(DUMP_FORMAT),
  version: z.literal(DUMP_VERSION),
  projectId: ProjectId,
  exportedAt: z.iso.datetime(),
  /** Key lines between the header and the trailer. */
  keyCount: z.number().int().min(0),
});
export type DumpHeader = z.infer<typeof DumpHeader>;

/** The last line: without it (or with another count or checksum) the dump is truncated or altered. */
export const DumpTrailer = z.strictObject({
  end: z.literal(DUMP_FORMAT),
  keyCount: z.number().int().min(0),
  /** SHA-256 (hex) of the key lines, each with its `\n`, in order. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DumpTrailer = z.infer<typeof DumpTrailer>;
