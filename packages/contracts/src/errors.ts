import { z } from 'zod';

/** The closed set of error codes the API answers with; each maps to exactly one HTTP status. */
export const ErrorCode = z.enum([
  'bad_request',
  'invalid_json',
  'unauthorized',
  'invalid_signature',
  'payment_required',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'validation_failed',
  'rate_limited',
  'upstream_unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every error response: `{"error": {"code", "message", "details"}}`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** One schema violation: the dotted path of the field and what is wrong with it. */
export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;
