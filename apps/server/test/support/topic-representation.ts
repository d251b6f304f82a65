import { createHash } from 'node:crypto';
import type { Representation } from '@fixloop/domain';

/**
 * A deterministic representation for runner tests: a text's vector is the unit vector of the first
 * topic word it contains (whole words) (`alpha`, `beta`, …), plus a little noise derived from the text, so
 * reports of one topic are ~0.99 similar and of different topics ~0. It implements our own port.
 */
export class TopicRepresentation implements Representation {
  readonly id: string;
  readonly dimensions = 16;
  readonly defaultThreshold = 0.8;
  calls = 0;
  /** Runs before each vectorize call (tests add reports or fail mid-run here). */
  beforeVectorize: ((call: number) => Promise<void>) | undefined;

  constructor(
    readonly topics = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'],
    id = 'test:topics',
  ) {
    this.id = id;
  }

  async vectorize(_projectId: string, texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    await this.beforeVectorize?.(this.calls);
    return texts.map((t) => this.vector(t));
  }

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const words = new Set(text.toLowerCase().split(/[^a-z0-9]+/));
    const topic = this.topics.findIndex((w) => words.has(w));
    const digest = createHash('sha256').update(text).digest();
    for (let i = 0; i < this.dimensions; i++) v[i] = ((digest[i] as number) / 255 - 0.5) * 0.1;
    const axis = topic >= 0 ? topic : this.dimensions - 1 - ((digest[0] as number) % 4);
    v[axis] = (v[axis] as number) + 1;
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
    return v;
  }
}
