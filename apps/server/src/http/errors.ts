import type { ErrorBody, ErrorCode } from '@fixloop/contracts';
import { assertNever, DomainError } from '@fixloop/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isRedisUnavailable } from '../infra/redis.js';

/** The one place where an error code becomes an HTTP status. */
export function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'bad_request':
    case 'invalid_json':
      return 400;
    case 'unauthorized':
    case 'invalid_signature':
      return 401;
    case 'payment_required':
      return 402;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'validation_failed':
      return 422;
    case 'rate_limited':
      return 429;
    case 'upstream_unavailable':
      return 502;
    case 'internal':
      return 500;
    default:
      return assertNever(code);
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Framework errors with a 4xx status, by Fastify's code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 422) return 'validation_failed';
  if (status === 429) return 'rate_limited';
  return 'bad_request';
}

/** Maps any thrown error to the envelope; unknown errors are logged with their stack and answered generically. */
export function handleError(
  err: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'body';
    const issues = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    const first = issues[0];
    return reply.status(422).send(
      errorBody('validation_failed', first ? `${first.path}: ${first.message}` : 'invalid request', {
        issues,
      }),
    );
  }
  if (isRedisUnavailable(err)) {
    // Nothing was acknowledged: the client retries (with the same external id, nothing is stored twice).
    request.log.warn({ err }, 'Redis is not reachable');
    return reply
      .status(503)
      .header('retry-after', '1')
      .send(errorBody('upstream_unavailable', 'Redis is not reachable; retry the request'));
  }
  if (err instanceof DomainError) {
    const status = statusFor(err.code);
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(status).send(errorBody(err.code, err.message, err.details));
  }
  const fe = err as FastifyError;
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return reply.status(statusFor(mapped)).send(errorBody(mapped, publicMessage(mapped, fe)));
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = codeForStatus(fe.statusCode);
    return reply.status(statusFor(code)).send(errorBody(code, fe.message));
  }
  request.log.error({ err }, 'unexpected error');
  return reply
    .status(500)
    .send(errorBody('internal', 'internal error; the request id in the logs tells more'));
}

function publicMessage(code: ErrorCode, err: FastifyError): string {
  switch (code) {
    case 'payload_too_large':
      return 'request body is larger than this route accepts';
    case 'unsupported_media_type':
      return 'unsupported content type: send application/json';
    case 'invalid_json':
      return 'request body is not valid JSON';
    default:
      return err.message;
  }
}
