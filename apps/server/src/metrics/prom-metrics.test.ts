import { describe, expect, it } from 'vitest';
import { type CountedQueue, PromMetrics } from './prom-metrics.js';

/** The value of one sample of the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const queue = (name: string, counts: () => Promise<Record<string, number>>): CountedQueue => ({
  name,
  getJobCounts: counts,
});

describe('PromMetrics', () => {
  it('keeps a registry of its own: two instances count apart', async () => {
    const a = new PromMetrics({ defaultMetrics: false });
    const b = new PromMetrics({ defaultMetrics: false });
    a.feedbackIngested('sentry', 'created');
    a.feedbackIngested('sentry', 'created', 2);
    const text = (await a.render()).body;
    expect(sample(text, 'fixloop_feedback_ingested_total', 'source="sentry",outcome="created"')).toBe(3);
    expect(
      sample((await b.render()).body, 'fixloop_feedback_ingested_total', 'source="sentry",outcome="created"'),
    ).toBe(undefined);
  });

  it('collects the default process metrics into its registry', async () => {
    const text = (await new PromMetrics().render()).body;
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('bounds every label: unknown sources, methods and unmatched routes', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    m.feedbackIngested('zendesk', 'held');
    m.httpRequest('PROPFIND', undefined, 404, 0.002);
    m.httpRequest('GET', '/projects/:projectId/feedback', 200, 0.01);
    const text = (await m.render()).body;
    expect(sample(text, 'fixloop_feedback_ingested_total', 'source="other",outcome="held"')).toBe(1);
    expect(
      sample(
        text,
        'fixloop_http_request_duration_seconds_count',
        'method="other",route="unmatched",status_class="4xx"',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'fixloop_http_request_duration_seconds_count',
        'method="GET",route="/projects/:projectId/feedback",status_class="2xx"',
      ),
    ).toBe(1);
  });

  it('times jobs that ran and only counts a busy bounce', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    m.jobFinished('clustering.run', 'succeeded', 0.2);
    m.jobFinished('clustering.run', 'busy');
    const text = (await m.render()).body;
    expect(sample(text, 'fixloop_job_duration_seconds_count', 'job="clustering.run"')).toBe(1);
    expect(sample(text, 'fixloop_job_duration_seconds_bucket', 'le="0.25",job="clustering.run"')).toBe(1);
    expect(sample(text, 'fixloop_jobs_total', 'job="clustering.run",outcome="succeeded"')).toBe(1);
    expect(sample(text, 'fixloop_jobs_total', 'job="clustering.run",outcome="busy"')).toBe(1);
  });

  it('counts embedding calls, texts and cache lookups by provider', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    m.embeddingCall('local', 3, 0.04);
    m.embeddingCacheLookup('local', 5, 3);
    m.embeddingCacheLookup('local', 0, 0);
    const text = (await m.render()).body;
    expect(sample(text, 'fixloop_embedding_duration_seconds_count', 'provider="local"')).toBe(1);
    expect(sample(text, 'fixloop_embedded_texts_total', 'provider="local"')).toBe(3);
    expect(sample(text, 'fixloop_embedding_cache_hits_total', 'provider="local"')).toBe(5);
    expect(sample(text, 'fixloop_embedding_cache_misses_total', 'provider="local"')).toBe(3);
  });

  it('reads queue depths at scrape time and leaves out a queue that does not answer in time', async () => {
    const m = new PromMetrics({ defaultMetrics: false, queueCountTimeoutMs: 50 });
    let waiting = 4;
    m.watchQueues([
      queue('clustering', async () => ({ waiting, active: 1 })),
      queue('agent', () => new Promise(() => {})),
      queue('reddit', async () => {
        throw new Error('redis down');
      }),
    ]);
    let text = (await m.render()).body;
    expect(sample(text, 'fixloop_queue_jobs', 'queue="clustering",state="waiting"')).toBe(4);
    expect(sample(text, 'fixloop_queue_jobs', 'queue="clustering",state="active"')).toBe(1);
    expect(text).not.toContain('queue="agent",state=');
    expect(sample(text, 'fixloop_queue_count_errors_total', 'queue="agent"')).toBe(1);
    expect(sample(text, 'fixloop_queue_count_errors_total', 'queue="reddit"')).toBe(1);
    waiting = 0;
    text = (await m.render()).body;
    expect(sample(text, 'fixloop_queue_jobs', 'queue="clustering",state="waiting"')).toBe(0);
  });
});
