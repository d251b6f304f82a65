import { UpstreamError } from '@fixloop/domain';

/** An upstream failure that may say how long to wait before the next attempt (`Retry-After`). */
export class UpstreamHttpError extends UpstreamError {
  constructor(
    service: string,
    message: string,
    retryable: boolean,
    status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(service, message, retryable, status);
  }
}

/** Statuses worth another attempt: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

interface HeaderSource {
  get(name: string): string | null;
}

/** The wait an answer asks for: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The error for a non-2xx answer. The provider's own message is kept (it says which parameter was
 * wrong) except on 401/403, where some providers echo a masked key; any copy of `secret` is removed.
 */
export function httpFailure(
  service: string,
  label: string,
  status: number,
  headers: HeaderSource | undefined,
  detail: string | undefined,
  secret: string | undefined,
): UpstreamHttpError {
  const auth = status === 401 || status === 403;
  const said = !auth && detail ? `: ${redact(detail, secret).slice(0, 300)}` : '';
  const message = auth
    ? `${label} rejected the credentials (${status})`
    : `${label} answered ${status}${said}`;
  return new UpstreamHttpError(service, message, isRetryableStatus(status), status, retryAfterMs(headers));
}

/** The error for a request that got no answer (refused, reset, timed out). */
export function networkFailure(service: string, label: string, err: unknown): UpstreamHttpError {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || /timed? ?out/i.test(err.message));
  return new UpstreamHttpError(service, `${label} ${timedOut ? 'timed out' : 'could not be reached'}`, true);
}

/** The error for a 2xx answer whose body is not what the API documents. */
export function malformedAnswer(service: string, label: string, what: string): UpstreamHttpError {
  return new UpstreamHttpError(service, `${label} answered an unexpected shape: ${what}`, false);
}

/** The message an API put in its JSON error body (`{error: {message}}` or `{error: "…"}`), if any. */
export function errorDetail(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body : undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
