import {
  AnthropicLlm,
  CachedEmbedder,
  EmbedderRepresentation,
  GEMINI_DEFAULT_THRESHOLD,
  GeminiEmbedder,
  GeminiLlm,
  HybridLocalRepresentation,
  type HybridMath,
  OPENAI_DEFAULT_THRESHOLD,
  OpenAiCompatibleLlm,
  OpenAiEmbedder,
  type ProjectTermStats,
  UseLiteEmbedder,
} from '@fixloop/adapters';
import { tokenizeReport } from '@fixloop/clustering';
import {
  type ClusteringScheduler,
  type ClusterSummarizer,
  type Embedder,
  type EmbeddingCache,
  type LlmClient,
  LlmClusterSummarizer,
  type Logger,
  noTelemetry,
  type Representation,
  type Telemetry,
} from '@fixloop/domain';
import { RedisEmbeddingCache, RedisTermStats } from '@fixloop/store';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { ClusteringParts } from '../container.js';
import { TimedEmbedder } from '../metrics/timed-embedder.js';
import { type DigestRunner, OfflineSummarizer, threadDigest } from './offline-summarizer.js';
import { ThreadHybridMath } from './thread-hybrid-math.js';
import { WorkerEngine } from './worker-engine.js';

/** Where a representation keeps what it learns: per-project term statistics, and an embedding cache. */
export interface RepresentationStores {
  termStats: ProjectTermStats;
  cache?: EmbeddingCache;
}

/**
 * The provider timed (its calls are the cache's misses), behind the cache, whose lookups are
 * counted: all on this thread, whichever thread the model runs on.
 */
function metered(
  embedder: Embedder,
  cache: EmbeddingCache | undefined,
  telemetry: Telemetry,
  provider: string,
): Embedder {
  const timed = new TimedEmbedder(embedder, telemetry, provider);
  if (!cache) return timed;
  return new CachedEmbedder(timed, cache, (hits, misses) =>
    telemetry.embeddingCacheLookup(provider, hits, misses),
  );
}

/** The representation `EMBEDDINGS_PROVIDER` names. */
export function composeRepresentation(
  config: Config,
  log: Logger,
  stores: RepresentationStores,
  telemetry: Telemetry = noTelemetry,
  /** Where the offline hybrid's arithmetic runs (default: the calling thread). */
  math?: HybridMath,
): Representation {
  const { cache, termStats } = stores;
  const e = config.embeddings;
  const embedder = (inner: Embedder) => metered(inner, cache, telemetry, e.provider);
  switch (e.provider) {
    case 'local':
      return new HybridLocalRepresentation({
        termStats,
        embedder: embedder(new UseLiteEmbedder({ log })),
        ...(math ? { math } : {}),
      });
    case 'gemini':
      return new EmbedderRepresentation(
        embedder(
          new GeminiEmbedder({
            apiKey: e.geminiApiKey as string,
            baseUrl: e.geminiBaseUrl,
            log,
            ...(e.model ? { model: e.model } : {}),
            ...(e.dimensions ? { dimensions: e.dimensions } : {}),
          }),
        ),
        { defaultThreshold: GEMINI_DEFAULT_THRESHOLD },
      );
    case 'openai':
      return new EmbedderRepresentation(
        embedder(
          new OpenAiEmbedder({
            model: e.model ?? 'text-embedding-3-small',
            baseUrl: e.openaiBaseUrl,
            log,
            ...(e.openaiApiKey ? { apiKey: e.openaiApiKey } : {}),
            ...(e.dimensions ? { dimensions: e.dimensions } : {}),
          }),
        ),
        { defaultThreshold: OPENAI_DEFAULT_THRESHOLD },
      );
  }
}

/** The language model `LLM_PROVIDER` names, or none (`offline`). */
export function composeLlm(config: Config, log: Logger): LlmClient | undefined {
  const { llm, embeddings } = config;
  switch (llm.provider) {
    case 'offline':
      return undefined;
    case 'openai':
      return new OpenAiCompatibleLlm({
        model: llm.model ?? 'gpt-4o-mini',
        baseUrl: embeddings.openaiBaseUrl,
        log,
        ...(embeddings.openaiApiKey ? { apiKey: embeddings.openaiApiKey } : {}),
      });
    case 'gemini':
      return new GeminiLlm({
        apiKey: embeddings.geminiApiKey as string,
        model: llm.model ?? 'gemini-2.5-flash',
        baseUrl: embeddings.geminiBaseUrl,
        log,
      });
    case 'anthropic':
      return new AnthropicLlm({
        apiKey: llm.anthropicApiKey as string,
        model: llm.model ?? 'claude-3-5-haiku-latest',
        baseUrl: llm.anthropicBaseUrl,
        log,
      });
  }
}

export function composeSummarizer(
  config: Config,
  redis: Redis,
  log: Logger,
  digest?: DigestRunner,
): ClusterSummarizer {
  const offline = new OfflineSummarizer(new RedisTermStats(redis), undefined, digest);
  const llm = composeLlm(config, log);
  return llm ? new LlmClusterSummarizer(llm, offline, log) : offline;
}

/** Everything clustering needs, chosen from config at the composition root. */
export function composeClustering(
  config: Config,
  redis: Redis,
  log: Logger,
  scheduler: ClusteringScheduler,
  telemetry: Telemetry,
): ClusteringParts {
  // One compute thread for the engine, the hybrid's arithmetic and digests: off the API's event loop.
  const engine = new WorkerEngine();
  return {
    representation: composeRepresentation(
      config,
      log,
      { termStats: new RedisTermStats(redis), cache: new RedisEmbeddingCache(redis) },
      telemetry,
      new ThreadHybridMath(engine.thread),
    ),
    engine,
    summarizer: composeSummarizer(config, redis, log, threadDigest(engine.thread)),
    scheduler,
    textTerms: (text) => tokenizeReport(text),
  };
}
