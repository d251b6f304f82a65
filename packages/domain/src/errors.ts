import type { ErrorCode } from '@fixloop/contracts';

/** A failure the caller can act on; its `code` decides the HTTP status in exactly one place. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A third-party service failed; `retryable` tells job processors whether to try again. */
export class UpstreamError extends DomainError {
  constructor(
    readonly service: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super('upstream_unavailable', message, { service, status });
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainError('not_found', id === undefined ? `${what} not found` : `${what} ${id} not found`);

export const validationFailed = (path: string, message: string) =>
  new DomainError('validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
