import { errorDetail, httpFailure, malformedAnswer, networkFailure } from './upstream-failure.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes of a Stainless-generated SDK (`openai`, `@anthropic-ai/sdk`). */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
}

interface SdkApiError {
  status?: number;
  headers?: { get(name: string): string | null };
  error?: unknown;
}

/**
 * Maps what an SDK call threw to an `UpstreamHttpError` (status, `Retry-After`, retryable), so the
 * SDKs run with their own retries off and ours decide. Anything else (a bug of ours) is returned as it is.
 */
export function sdkFailure(
  service: string,
  label: string,
  err: unknown,
  secret: string | undefined,
  classes: SdkErrorClasses,
): unknown {
  if (err instanceof classes.APIConnectionError) return networkFailure(service, label, err);
  if (err instanceof classes.APIError) {
    const e = err as Error & SdkApiError;
    if (typeof e.status === 'number') {
      return httpFailure(service, label, e.status, e.headers, errorDetail(e.error), secret);
    }
  }
  // The SDKs parse a JSON-typed 2xx body themselves and let the SyntaxError through.
  if (err instanceof SyntaxError) return malformedAnswer(service, label, 'not JSON');
  return err;
}
