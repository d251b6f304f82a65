import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** The samples of a Prometheus text exposition, by `name{labels}` exactly as printed. */
export type Samples = Map<string, number>;

export function parseSamples(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The exposition of a 200 answer, parsed. */
export function samplesOf(res: LightMyRequestResponse | { status: number; text: string }): Samples {
  const status = 'statusCode' in res ? res.statusCode : res.status;
  const text = 'statusCode' in res ? res.body : res.text;
  expect(status, text).toBe(200);
  return parseSamples(text);
}

/** How much each series named `name` grew from `before` to `after`, leaving out those that did not. */
export function growth(before: Samples, after: Samples, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

/** One series' growth (0 when absent from both). */
export function grew(before: Samples, after: Samples, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}
