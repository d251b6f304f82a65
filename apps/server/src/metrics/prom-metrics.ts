import { KNOWN_SOURCES } from '@fixloop/contracts';
import type { IngestOutcomeLabel, JobOutcome, Telemetry } from '@fixloop/domain';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A queue whose job counts are read at scrape time (BullMQ's `Queue`). */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(): Promise<Record<string, number>>;
}

export interface PromMetricsOptions {
  /** Node.js process metrics (`process_*`, `nodejs_*`); default on. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for one queue's counts before leaving that queue out (default 1 s). */
  queueCountTimeoutMs?: number;
}

/** HTTP methods the router knows; anything else is counted as `other`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SOURCES = new Set<string>(KNOWN_SOURCES);
/** The route label of a request no route matched (a 404, or a URL the router refused). */
export const UNMATCHED_ROUTE = 'unmatched';

/** From a fast clustering run (tens of ms) to an agent run at its half-hour limit. */
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600];
const EMBEDDING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The process's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * several containers in one process do not clash). Implements the domain's `Telemetry`; every
 * label is from a closed set.
 */
export class PromMetrics implements Telemetry {
  readonly registry = new Registry();
  private readonly queues: CountedQueue[] = [];
  private readonly ingested: Counter<'source' | 'outcome'>;
  private readonly jobDuration: Histogram<'job'>;
  private readonly jobs: Counter<'job' | 'outcome'>;
  private readonly embeddingDuration: Histogram<'provider'>;
  private readonly embeddedTexts: Counter<'provider'>;
  private readonly cacheHits: Counter<'provider'>;
  private readonly cacheMisses: Counter<'provider'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(opts: PromMetricsOptions = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.ingested = new Counter({
      name: 'fixloop_feedback_ingested_total',
      help: 'Reports seen by an ingest path, by source (known sources, else "other") and outcome',
      labelNames: ['source', 'outcome'],
      registers,
    });
    registerQueueGauge(this.registry, this.queues, opts.queueCountTimeoutMs ?? 1_000);
    this.jobDuration = new Histogram({
      name: 'fixloop_job_duration_seconds',
      help: 'How long background jobs ran, by job name (busy bounces excluded)',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.jobs = new Counter({
      name: 'fixloop_jobs_total',
      help: 'Background jobs that ended, by job name and outcome',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.embeddingDuration = new Histogram({
      name: 'fixloop_embedding_duration_seconds',
      help: 'Latency of successful calls to the embedding provider (cache misses only), by provider',
      labelNames: ['provider'],
      buckets: EMBEDDING_BUCKETS,
      registers,
    });
    this.embeddedTexts = new Counter({
      name: 'fixloop_embedded_texts_total',
      help: 'Texts the embedding provider embedded, by provider',
      labelNames: ['provider'],
      registers,
    });
    this.cacheHits = new Counter({
      name: 'fixloop_embedding_cache_hits_total',
      help: 'Texts whose embedding was found in the cache',
      labelNames: ['provider'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: 'fixloop_embedding_cache_misses_total',
      help: 'Texts whose embedding was not in the cache (and was computed)',
      labelNames: ['provider'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'fixloop_http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: HTTP_BUCKETS,
      registers,
    });
  }

  /** Adds queues whose depths are read at every scrape. */
  watchQueues(queues: CountedQueue[]): void {
    this.queues.push(...queues);
  }

  feedbackIngested(source: string, outcome: IngestOutcomeLabel, count = 1): void {
    this.ingested.inc({ source: SOURCES.has(source) ? source : 'other', outcome }, count);
  }

  jobFinished(job: string, outcome: JobOutcome, seconds?: number): void {
    this.jobs.inc({ job, outcome });
    if (seconds !== undefined) this.jobDuration.observe({ job }, seconds);
  }

  embeddingCall(provider: string, texts: number, seconds: number): void {
    this.embeddingDuration.observe({ provider }, seconds);
    this.embeddedTexts.inc({ provider }, texts);
  }

  embeddingCacheLookup(provider: string, hits: number, misses: number): void {
    if (hits > 0) this.cacheHits.inc({ provider }, hits);
    if (misses > 0) this.cacheMisses.inc({ provider }, misses);
  }

  /** One answered HTTP request; `route` is the matched route's template, undefined when none matched. */
  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpDuration.observe(
      {
        method: METHODS.has(method) ? method : 'other',
        route: route ?? UNMATCHED_ROUTE,
        status_class: `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`,
      },
      seconds,
    );
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Queue depths are read at scrape time: one cheap script per queue, never on the hot path. The
 * depths and the error count share one read per scrape, so a failure shows in the same scrape.
 */
function registerQueueGauge(registry: Registry, queues: CountedQueue[], timeoutMs: number): void {
  type Read = Array<{ queue: string; counts: Record<string, number> | null }>;
  let inflight: Promise<Read> | undefined;
  const read = (): Promise<Read> => {
    inflight ??= Promise.all(
      queues.map(async (q) => ({
        queue: q.name,
        counts: await withTimeout(q.getJobCounts(), timeoutMs).catch(() => null),
      })),
    ).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
  new Gauge({
    name: 'fixloop_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read when scraped',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const results = await read();
      this.reset();
      for (const { queue, counts } of results) {
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue, state }, n);
      }
    },
  });
  new Counter({
    name: 'fixloop_queue_count_errors_total',
    help: 'Scrapes that could not read a queue’s job counts in time (its depths are left out)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const { queue, counts } of await read()) if (counts === null) this.inc({ queue });
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
