import { createHash } from 'node:crypto';
import type { EmbeddingCache } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { bufferToVector, vectorToBuffer } from './vector-codec.js';

export interface RedisEmbeddingCacheOptions {
  /** Expiry of each entry in seconds; default none (an entry is only recomputed if it is gone). */
  ttlSeconds?: number;
}

/** The cache key's hash: sha256 of the embedder id (provider, model, dimensions) and the text. */
export function embeddingCacheHash(embedderId: string, text: string): string {
  return createHash('sha256').update(`${embedderId}\n${text}`, 'utf8').digest('hex');
}

/**
 * Embeddings in Redis as raw little-endian Float32 bytes under `emb:<sha256>`: one MGET per read,
 * one pipeline per write. (Under Redis Cluster the keys of one MGET would have to share a slot.)
 */
export class RedisEmbeddingCache implements EmbeddingCache {
  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisEmbeddingCacheOptions = {},
  ) {}

  async getMany(embedderId: string, texts: string[]): Promise<Array<Float32Array | null>> {
    if (texts.length === 0) return [];
    const values = await this.redis.mgetBuffer(
      texts.map((t) => keys.embCache(embeddingCacheHash(embedderId, t))),
    );
    return values.map(bufferToVector);
  }

  async setMany(embedderId: string, entries: Array<[text: string, vector: Float32Array]>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [text, vector] of entries) {
      const key = keys.embCache(embeddingCacheHash(embedderId, text));
      const bytes = vectorToBuffer(vector);
      if (this.opts.ttlSeconds) pipeline.set(key, bytes, 'EX', this.opts.ttlSeconds);
      else pipeline.set(key, bytes);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }
}
