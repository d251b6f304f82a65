import { ErrorCode } from '@fixloop/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { statusFor } from '../../src/http/errors.js';
import type { KeyChange } from './redis-writes.js';

/** Problems by kind and route, each with its count and first example. */
export class Problems {
  private readonly seen = new Map<string, { count: number; example: string }>();
  add(signature: string, example: string): void {
    const entry = this.seen.get(signature);
    if (entry) entry.count++;
    else this.seen.set(signature, { count: 1, example });
  }
  list(): string[] {
    return [...this.seen].map(([sig, { count, example }]) => `${sig} (×${count})\n    e.g. ${example}`);
  }
}

/** What is wrong with a 4xx answer's body, if anything: the envelope, a known code, the code's own status. */
export function envelopeProblem(res: LightMyRequestResponse): string | undefined {
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `content-type ${JSON.stringify(type)}`;
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return 'a body that is not JSON';
  }
  if (typeof body !== 'object' || body === null || Object.keys(body).join() !== 'error')
    return 'no {"error": …} envelope';
  const error = (body as { error: Record<string, unknown> }).error;
  const parsed = ErrorCode.safeParse(error?.code);
  if (!parsed.success) return `code ${JSON.stringify(error?.code)} is not an error code`;
  if (typeof error.message !== 'string' || error.message === '') return 'no message';
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length > 0) return `extra keys ${extra.join(', ')}`;
  if (statusFor(parsed.data) !== res.statusCode)
    return `code ${parsed.data} means ${statusFor(parsed.data)}, not ${res.statusCode}`;
  return undefined;
}

/** A wire response in the shape the envelope check reads. */
export function wireAsInjected(res: {
  status: number;
  headers: Record<string, string>;
  body: string;
}): LightMyRequestResponse {
  return {
    statusCode: res.status,
    headers: res.headers,
    body: res.body,
    json: () => JSON.parse(res.body),
  } as unknown as LightMyRequestResponse;
}

export function codeOf(res: LightMyRequestResponse): string {
  try {
    return String(res.json<{ error?: { code?: unknown } }>().error?.code ?? '');
  } catch {
    return '';
  }
}

/** The changed keys, for a report. */
export const writesOf = (changes: KeyChange[]) =>
  changes.map((k) => `${k.key} [${k.events.join(',')}]: ${k.before} → ${k.after}`).join('; ');
