import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keys } from '@fixloop/store';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../../test-support/free-port.js';
import { createRedis } from '../../src/infra/redis.js';
import { TopicRepresentation } from '../support/topic-representation.js';

const SERVE = resolve(import.meta.dirname, '../../src/bin/serve.ts');
const topics = new TopicRepresentation();
const redis = createRedis(inject('redisUrl'));
const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  redis.disconnect();
});

/** A slow stand-in of the OpenAI embeddings API: topic vectors, 150 ms per request. */
async function slowEmbeddings(): Promise<string> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const { input, model } = JSON.parse(body) as { input: string[]; model: string };
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            object: 'list',
            model,
            data: input.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: [...topics.vector(text)],
            })),
            usage: { prompt_tokens: input.length, total_tokens: input.length },
          }),
        );
      }, 150);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
}

function start(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, 'all'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a process killed in the middle of a clustering run', () => {
  it('loses no report, puts none in two clusters, and the next process finishes the work', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'fixloop-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const admin = `test-admin-${createHash('sha256').update(inject('redisUrl')).digest('hex').slice(0, 32)}`;
    const env = {
      REDIS_URL: inject('redisUrl'),
      DATA_DIR: dataDir,
      ADMIN_TOKEN: admin,
      SECRETS_KEY: randomBytes(32).toString('hex'),
      QUEUE_PREFIX: `crash-${randomBytes(4).toString('hex')}`,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      EMBEDDINGS_PROVIDER: 'openai',
      OPENAI_BASE_URL: await slowEmbeddings(),
      EMBEDDINGS_MODEL: 'topic-test',
      CLUSTERING_SIM_THRESHOLD: '0.8',
      CLUSTERING_BATCH_SIZE: '20',
      CLUSTERING_LOCK_TTL_MS: '1500',
      CLUSTERING_DEBOUNCE_MS: '0',
    };
    const api = async (method: string, path: string, body?: unknown, token = admin) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const ready = () =>
      until('the API', async () =>
        (await fetch(`${base}/readyz`).catch(() => null))?.status === 200 ? true : undefined,
      );

    const first = start(env);
    await ready();
    const created = await api('POST', '/projects', { name: `crash ${randomBytes(3).toString('hex')}` });
    const pid = (created.json.project as { id: string }).id;
    const total = 240;
    const rows = Array.from({ length: total }, (_, i) => ({
      title: `${topics.topics[i % 8]} report ${i}`,
      externalId: `c-${i}`,
    }));
    expect((await api('POST', `/projects/${pid}/feedback/import`, rows)).json.created).toBe(total);

    // Kill it once a few rounds are written and many reports still wait.
    await until('a run half way', async () => {
      const waiting = await redis.scard(keys.feedbackUnclustered(pid));
      return waiting > 0 && waiting <= total - 40 ? waiting : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const waitingAfterKill = await redis.scard(keys.feedbackUnclustered(pid));
    expect(waitingAfterKill).toBeGreaterThan(0);
    const killedJob = await redis.get(keys.clusterJobActive(pid));
    expect(killedJob).not.toBeNull();

    const second = start(env);
    await ready();
    await until('clustering to finish', async () => {
      const { json } = await api('GET', `/projects/${pid}/clustering/status`);
      return json.pendingCount === 0 && json.isClustering === false ? true : undefined;
    });
    expect((await api('GET', `/projects/${pid}/cluster-jobs/${killedJob}`)).json.status).toBe('failed');

    // Every report in exactly one cluster, sizes right, nothing waiting.
    const clusterIds = await redis.zrange(keys.clustersAll(pid), 0, -1);
    const seen = new Map<string, string>();
    for (const cid of clusterIds) {
      const members = await redis.smembers(keys.clusterItems(pid, cid));
      expect(Number(await redis.hget(keys.cluster(pid, cid), 'size'))).toBe(members.length);
      for (const m of members) {
        expect(seen.has(m), `report ${m} in two clusters`).toBe(false);
        seen.set(m, cid);
        expect(await redis.hget(keys.feedback(pid, m), 'clusterId')).toBe(cid);
      }
    }
    expect(seen.size).toBe(total);
    expect(clusterIds).toHaveLength(8);
    expect(await redis.scard(keys.feedbackUnclustered(pid))).toBe(0);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }, 90_000);
});
