import { type ApiKeyRecord, hashApiKey } from '@fixloop/domain';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { PromMetrics } from './prom-metrics.js';

const TOKEN = 'metrics-token-for-the-test';
const PROJECT_KEY = 'flk_a_project_key_for_the_test';
const metrics = new PromMetrics({ defaultMetrics: false });
let server: MetricsServer;

beforeAll(async () => {
  const apiKeys = {
    findByHash: async (hash: string) =>
      hash === hashApiKey(PROJECT_KEY) ? ({ admin: false } as ApiKeyRecord) : null,
  };
  server = await startMetricsServer(
    { metrics, access: { token: TOKEN, apiKeys }, log: pino({ level: 'silent' }) },
    0,
    '127.0.0.1',
  );
});
afterAll(async () => server?.close());

const get = (path: string, token?: string, method = 'GET') =>
  fetch(`${server.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe('the metrics listener', () => {
  it('serves the registry at /metrics to the metrics token', async () => {
    metrics.feedbackIngested('manual', 'created', 2);
    const res = await get('/metrics', TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain(
      'fixloop_feedback_ingested_total{source="manual",outcome="created"} 2',
    );
    const head = await get('/metrics', TOKEN, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 401 without a token, 403 for a project key, 404 anywhere else', async () => {
    const none = await get('/metrics');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await get('/metrics', 'not-a-token')).status).toBe(401);
    expect((await get('/metrics', PROJECT_KEY)).status).toBe(403);
    expect((await get('/healthz', TOKEN)).status).toBe(404);
    expect((await get('/metrics', TOKEN, 'POST')).status).toBe(404);
  });
});
