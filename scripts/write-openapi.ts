/**
 * Writes the API's OpenAPI document to docs/openapi.json (`npm run openapi`).
 *
 * The app is built exactly as the server builds it, but never listens and never reaches Redis: the
 * container's connection is lazy and nothing queries it. The document depends only on the route
 * schemas, so the environment is not read (a fixed, default configuration is used).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../apps/server/src/config.js';
import { createContainer } from '../apps/server/src/container.js';
import { buildApp } from '../apps/server/src/http/app.js';

const OUT = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

const unused = (what: string) => () => {
  throw new Error(`${what} is not available while writing the OpenAPI document`);
};

async function main(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const container = createContainer({
    config,
    // Never connected (lazy, never queried); a path that cannot exist, so a query would fail loudly.
    redisUrl: 'unix:///nonexistent/fixloop-openapi.sock',
    redisOptions: { lazyConnect: true },
    secretsKey: randomBytes(32).toString('base64url'),
    log,
    scheduler: {
      requestRedditPoll: unused('the scheduler'),
      syncRedditSchedule: unused('the scheduler'),
    },
    tracker: { listIssues: unused('the issue tracker'), getRepository: unused('the issue tracker') },
    clustering: () => ({
      representation: {
        id: 'none',
        dimensions: 0,
        defaultThreshold: 0,
        vectorize: unused('the representation'),
      },
      engine: { assign: unused('the clustering engine') },
      summarizer: { summarize: unused('the summarizer') },
      scheduler: { enqueueClustering: unused('the scheduler'), promoteClustering: unused('the scheduler') },
      textTerms: () => [],
    }),
  });
  const app = await buildApp(container, { logger: log });
  try {
    await app.ready();
    if (container.redis.status !== 'wait') throw new Error('building the app must not connect to Redis');
    writeFileSync(OUT, `${JSON.stringify(app.swagger(), null, 2)}\n`);
    console.log(`wrote ${OUT}`);
  } finally {
    await app.close();
    await container.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
