import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingCache } from '@fixloop/domain';

/**
 * An embedding cache in one append-only file per embedder under a git-ignored directory: records of
 * sha256(text) (32 bytes) then the Float32 vector. USE-lite runs at ~20 bodies/s, so the eval
 * embeds each text once, ever.
 */
export class FileEmbeddingCache implements EmbeddingCache {
  private readonly loaded = new Map<string, Map<string, Float32Array>>();

  constructor(
    private readonly dir: string,
    private readonly dimensions: number,
  ) {}

  async getMany(embedderId: string, texts: string[]): Promise<Array<Float32Array | null>> {
    const entries = this.entries(embedderId);
    return texts.map((t) => entries.get(hash(t)) ?? null);
  }

  async setMany(embedderId: string, entries: Array<[text: string, vector: Float32Array]>): Promise<void> {
    const map = this.entries(embedderId);
    const chunks: Buffer[] = [];
    for (const [text, vector] of entries) {
      if (vector.length !== this.dimensions)
        throw new RangeError(`vector of ${vector.length}, not ${this.dimensions}`);
      const key = hash(text);
      map.set(key, vector);
      chunks.push(Buffer.from(key, 'hex'), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    appendFileSync(this.file(embedderId), Buffer.concat(chunks));
  }

  private file(embedderId: string): string {
    mkdirSync(this.dir, { recursive: true });
    return join(this.dir, `${embedderId.replace(/[^\w.-]+/g, '_')}.bin`);
  }

  private entries(embedderId: string): Map<string, Float32Array> {
    let map = this.loaded.get(embedderId);
    if (map) return map;
    map = new Map();
    const path = this.file(embedderId);
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      const record = 32 + this.dimensions * 4;
      for (let at = 0; at + record <= bytes.length; at += record) {
        const vector = new Float32Array(this.dimensions);
        new Uint8Array(vector.buffer).set(bytes.subarray(at + 32, at + record));
        map.set(bytes.subarray(at, at + 32).toString('hex'), vector);
      }
    }
    this.loaded.set(embedderId, map);
    return map;
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
