import type { ErrorCode, FieldIssue } from '@fixloop/contracts';

/** What went wrong with a call: the API's own error code, or a failure to reach it at all. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/** A failed API call, decoded from the `{error: {code, message, details}}` envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The field problems of a `validation_failed` answer (empty for any other error). */
  get issues(): FieldIssue[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return [];
    return issues.filter(
      (i): i is FieldIssue => typeof i?.path === 'string' && typeof i?.message === 'string',
    );
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON; omit for action routes that take no body. */
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/** `path` with the defined query parameters appended. */
export function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

/** The route of a project's data: every dashboard call names its project explicitly. */
export function projectPath(projectId: string, path: string): string {
  return `/projects/${encodeURIComponent(projectId)}${path}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      return new ApiError(response.status, e.code as ErrorCode, e.message, e.details);
    }
  } catch {
    // not JSON: a proxy or gateway answered, not the API
  }
  return new ApiError(
    response.status,
    'unexpected_response',
    `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
  );
}

/**
 * Calls the API with the session cookie and decodes the answer: the JSON body, `undefined` for
 * `204`, or a thrown {@link ApiError}.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
  };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the Fixloop server. Check your connection.');
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'unexpected_response', 'The server sent an answer that is not JSON.');
  }
}

/** A message fit to show a person for any thrown value. */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) {
    const issues = e.issues;
    if (issues.length > 0) return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return e.message;
  }
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}
