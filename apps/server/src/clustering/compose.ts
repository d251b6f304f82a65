import {
  AnthropicLlm,
  EmbedderRepresentation,
  GEMINI_DEFAULT_THRESHOLD,
  GeminiEmbedder,
  GeminiLlm,
  HybridLocalRepresentation,
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
  type EmbeddingCache,
  type LlmClient,
  LlmClusterSummarizer,
  type Logger,
  type Representation,
} from '@fixloop/domain';
import { RedisEmbeddingCache, RedisTermStats } from '@fixloop/store';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { ClusteringParts } from '../container.js';
import { OfflineSummarizer } from './offline-summarizer.js';
import { WorkerEngine } from './worker-engine.js';

/** Where a representation keeps what it learns: per-project term statistics, and an embedding cache. */
export interface RepresentationStores {
  termStats: ProjectTermStats;
  cache?: EmbeddingCache;
}

/** The representation `EMBEDDINGS_PROVIDER` names. */
export function composeRepresentation(
  config: Config,
  log: Logger,
  stores: RepresentationStores,
): Representation {
  const { cache, termStats } = stores;
  const e = config.embeddings;
  switch (e.provider) {
    case 'local':
      return new HybridLocalRepresentation({
        termStats,
        embedder: new UseLiteEmbedder({ log }),
        ...(cache ? { cache } : {}),
      });
    case 'gemini':
      return new EmbedderRepresentation(
        new GeminiEmbedder({
          apiKey: e.geminiApiKey as string,
          baseUrl: e.geminiBaseUrl,
          log,
          ...(e.model ? { model: e.model } : {}),
          ...(e.dimensions ? { dimensions: e.dimensions } : {}),
        }),
        { ...(cache ? { cache } : {}), defaultThreshold: GEMINI_DEFAULT_THRESHOLD },
      );
    case 'openai':
      return new EmbedderRepresentation(
        new OpenAiEmbedder({
          model: e.model ?? 'text-embedding-3-small',
          baseUrl: e.openaiBaseUrl,
          log,
          ...(e.openaiApiKey ? { apiKey: e.openaiApiKey } : {}),
          ...(e.dimensions ? { dimensions: e.dimensions } : {}),
        }),
        { ...(cache ? { cache } : {}), defaultThreshold: OPENAI_DEFAULT_THRESHOLD },
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

export function composeSummarizer(config: Config, redis: Redis, log: Logger): ClusterSummarizer {
  const offline = new OfflineSummarizer(new RedisTermStats(redis));
  const llm = composeLlm(config, log);
  return llm ? new LlmClusterSummarizer(llm, offline, log) : offline;
}

/** Everything clustering needs, chosen from config at the composition root. */
export function composeClustering(
  config: Config,
  redis: Redis,
  log: Logger,
  scheduler: ClusteringScheduler,
): ClusteringParts {
  return {
    representation: composeRepresentation(config, log, {
      termStats: new RedisTermStats(redis),
      cache: new RedisEmbeddingCache(redis),
    }),
    engine: new WorkerEngine(),
    summarizer: composeSummarizer(config, redis, log),
    scheduler,
    textTerms: (text) => tokenizeReport(text),
  };
}
