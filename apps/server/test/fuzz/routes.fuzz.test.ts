import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/context.js';
import { openAiApi, openAiControl } from '../support/openai-api.js';
import {
  githubIssue,
  githubIssuesApi,
  githubReposApi,
  githubRepository,
  type StandIn,
  startStandIn,
} from '../support/stand-ins.js';
import { startStripeApi } from '../support/stripe-api.js';
import { type CaseContext, caseContext, caseOf, operationsOf } from './cases.js';
import { codeOf, envelopeProblem, Problems, wireAsInjected, writesOf } from './checks.js';
import { type RawRequest, rawBytes, rawRequestOf, sendRaw } from './raw-http.js';
import { RedisWriteTracker } from './redis-writes.js';
import { describeCase, type Operation, type RequestCase, render } from './request-case.js';
import { World } from './world.js';

/**
 * Property-based fuzzing of every operation in `/openapi.json`: valid requests (built from each
 * operation's JSON Schema, aimed at real fixtures), almost-valid ones (one thing wrong) and hostile
 * ones (huge, deep, undecodable, prototype keys, odd content types and credentials), sent with every
 * kind of credential. Properties: no 5xx; every 4xx is the error envelope with the code that maps
 * to its status; a refused request writes nothing to Redis (but the counters in EXCLUSIONS).
 *
 * FUZZ_RUNS (default 600: about six per operation) sets the number of requests, FUZZ_SEED the seed
 * (fixed by default, so CI failures reproduce), FUZZ_ONLY a substring of "METHOD /path" to fuzz
 * fewer operations, FUZZ_VERBOSE=1 prints the statuses seen per operation, FUZZ_LOG=<file> appends
 * every request and its answer to a file.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_401);
const ONLY = process.env.FUZZ_ONLY;
const VERBOSE = process.env.FUZZ_VERBOSE === '1';
const LOG = process.env.FUZZ_LOG;
/** Requests over a real socket: a tenth as many (each opens a connection). */
const RAW_RUNS = Math.ceil(RUNS / 10);
const ANSWER_TIMEOUT_MS = 15_000;
/**
 * Adding or editing reports asks for a clustering run through a throttle that fires once more up
 * to 250 ms after a burst (TRIGGER_EVERY_MS in container.ts): the fuzz waits it out after such a
 * write, so that the run's records are not blamed on the next request.
 */
const TRIGGER_SETTLE_MS = 300;
const ADDS_REPORTS = /\/(feedback|ingest)(\/|$)/;

const STRIPE_WEBHOOK_SECRET = 'whsec_fuzz_0123456789abcdef';

let api: StandIn;
let stripe: StandIn;
let ctx: TestContext;
let world: World;
let tracker: RedisWriteTracker;
let ops: Operation[];
let cases: CaseContext;

beforeAll(async () => {
  const openAi = openAiApi(openAiControl());
  const issues = githubIssuesApi(
    new Map([['acme/shop', [1, 2, 3].map((n) => githubIssue('acme/shop', n, `2026-01-0${n}T00:00:00Z`))]]),
    50,
  );
  const repos = githubReposApi(
    new Map([['acme/shop', { repository: githubRepository('acme/shop'), access: {} }]]),
    new Set(['ghp_fuzz']),
  );
  api = await startStandIn((req, base) => {
    if (req.path.startsWith('/v1/')) return openAi(req, base);
    return req.path.endsWith('/issues') ? issues(req, base) : repos(req, base);
  });
  stripe = await startStripeApi();
  ctx = await createTestContext({
    // Billing on, against a Stripe stand-in: checkout, the portal and signed webhooks are fuzzed too.
    STRIPE_SECRET_KEY: 'sk_test_fuzz_0123456789',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_PRICE_PRO: 'price_pro_fuzz',
    STRIPE_PRICE_TEAM: 'price_team_fuzz',
    STRIPE_API_URL: stripe.url,
    ALLOW_SIGNUP: 'true',
    EMBEDDINGS_PROVIDER: 'openai',
    EMBEDDINGS_MODEL: 'test-embed',
    OPENAI_BASE_URL: `${api.url}/v1`,
    GITHUB_API_URL: api.url,
    CLUSTERING_SIM_THRESHOLD: '0.8',
    // Bodies past the import limit are generated too: a small limit keeps them cheap.
    IMPORT_BODY_LIMIT: String(2 * 1024 * 1024),
    // The request limits are fuzzed like the rest, but must not turn every later request into a 429.
    RATE_LIMIT_PER_MIN: '100000000',
    RATE_LIMIT_IP_PER_MIN: '100000000',
    // A runner is configured so start_fix reaches admission; no worker runs its jobs (role api).
    CODING_AGENT_COMMAND: 'true {task_file}',
  });
  world = await World.create(ctx, STRIPE_WEBHOOK_SECRET);
  const doc = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
  ops = operationsOf(doc.json());
  cases = caseContext(doc.json(), { body: ctx.config.bodyLimit, import: ctx.config.importBodyLimit });
  tracker = await RedisWriteTracker.start(ctx.runtime.redisUrl);
}, 60_000);

afterAll(async () => {
  await tracker?.stop();
  await ctx?.close();
  await api?.close();
  await stripe?.close();
});

function answer(opts: InjectOptions): Promise<LightMyRequestResponse | 'timeout'> {
  return Promise.race([
    ctx.app.inject(opts),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ANSWER_TIMEOUT_MS).unref()),
  ]);
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();
interface Outcome {
  status: number;
  route: string;
  example: string;
}

/** Sends one case and records what is wrong with the answer. */
async function check(c: RequestCase, problems: Problems, previous: Outcome | undefined): Promise<Outcome> {
  const route = `${c.operation.method} ${c.operation.path}`;
  // Writes that landed after the previous answer (a handler's fire-and-forget) belong to it.
  await tracker.sync();
  const late = await tracker.collect();
  if (late.length > 0 && previous && previous.status >= 400)
    problems.add(
      `late write after a ${previous.status}: ${previous.route}`,
      `${previous.example} → ${writesOf(late)}`,
    );

  const sent = render(c, world);
  const example = describeCase(c, sent);
  const res = await answer(sent).catch((err: unknown) => err as Error);
  if (res === 'timeout' || res instanceof Error) {
    problems.add(`no answer: ${route}`, `${example} → ${res === 'timeout' ? 'timeout' : res.message}`);
    return { status: 0, route, example };
  }
  await tracker.sync();
  const changes = await tracker.collect();
  const status = res.statusCode;
  const code = status >= 400 ? codeOf(res) : '';
  if (LOG) appendFileSync(LOG, `${example} → ${status} ${res.body.slice(0, 300)}\n`);
  if (status >= 500) problems.add(`${status} ${code}: ${route}`, `${example} → ${res.body.slice(0, 300)}`);
  if (status >= 400 && status < 500) {
    const bad = c.method === 'HEAD' ? undefined : envelopeProblem(res);
    if (bad)
      problems.add(
        `${status} without the envelope (${bad}): ${route}`,
        `${example} → ${res.body.slice(0, 300)}`,
      );
    if (changes.length > 0)
      problems.add(`write on a ${status} ${code}: ${route}`, `${example} → ${writesOf(changes)}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTOTYPE_KEYS)
    problems.add(`Object.prototype polluted: ${route}`, example);
  if (status < 400 && c.method !== 'GET' && c.method !== 'HEAD') {
    if (ADDS_REPORTS.test(c.operation.path)) await new Promise((r) => setTimeout(r, TRIGGER_SETTLE_MS));
    await world.heal(c.operation.path);
    await tracker.sync();
    await tracker.collect();
  }
  return { status, route, example: `${example} → ${status} ${code}` };
}

describe('fuzzing every route in /openapi.json', () => {
  it(
    `answers ${RUNS} generated requests (seed ${SEED}) without a 5xx, always with the envelope, and writes nothing on a 4xx`,
    async () => {
      const chosen = ops.filter((o) => !ONLY || `${o.method} ${o.path}`.includes(ONLY));
      expect(chosen.length).toBeGreaterThan(0);
      const arbs = chosen.map((op) => caseOf(op, cases));
      const perOp = Math.max(1, Math.ceil(RUNS / chosen.length));
      const problems = new Problems();
      const statuses = new Map<string, Map<number, number>>();
      let turn = 0;
      let previous: Outcome | undefined;
      // One property run per request, round robin over the operations so that every one gets its share.
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const i = turn++ % chosen.length;
          const c = g((n: number) => arbs[n] as fc.Arbitrary<RequestCase>, i);
          previous = await check(c, problems, previous);
          const byStatus = statuses.get(previous.route) ?? new Map<number, number>();
          byStatus.set(previous.status, (byStatus.get(previous.status) ?? 0) + 1);
          statuses.set(previous.route, byStatus);
        }),
        { seed: SEED, numRuns: perOp * chosen.length, endOnFailure: true },
      );
      await tracker.sync();
      const late = await tracker.collect();
      if (late.length > 0 && previous && previous.status >= 400)
        problems.add(`late write after a ${previous.status}: ${previous.route}`, writesOf(late));

      if (VERBOSE) {
        const lines = [...statuses].map(
          ([route, by]) =>
            `${route}: ${[...by]
              .sort((a, b) => a[0] - b[0])
              .map(([s, n]) => `${s}×${n}`)
              .join(' ')}`,
        );
        process.stderr.write(
          `fuzz statuses (seed ${SEED}, ${perOp * chosen.length} requests)\n${lines.join('\n')}\n`,
        );
      }
      expect(problems.list(), `seed ${SEED}: rerun with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`).toEqual([]);
      // The notifications saw every write: the tracked copy of the database matches it.
      expect(await tracker.drift()).toEqual([]);
      expect(statuses.size).toBe(chosen.length);
      if (!ONLY) {
        // The fuzz reaches the handlers: most operations answered past authentication at least
        // once, and a good share of all requests succeeded (about 30% with the fixed seed).
        const past = [...statuses.values()].filter((by) =>
          [...by.keys()].some((s) => s !== 401 && s !== 403),
        );
        const answers = [...statuses.values()].flatMap((by) => [...by]);
        const succeeded = answers.filter(([s]) => s < 400).reduce((n, [, count]) => n + count, 0);
        const total = answers.reduce((n, [, count]) => n + count, 0);
        expect(past.length).toBeGreaterThanOrEqual(0.8 * chosen.length);
        expect(succeeded).toBeGreaterThanOrEqual(0.1 * total);
      }
    },
    Math.max(120_000, RUNS * 250),
  );

  it(
    `answers ${RAW_RUNS} malformed requests over a real socket (seed ${SEED}) without a 5xx or a write`,
    async () => {
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const address = ctx.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const pid = world.refs.project;
      const arb = rawRequestOf({
        paths: [
          '/feedback',
          `/projects/${pid}/feedback`,
          `/projects/${pid}/clusters`,
          '/auth/login',
          '/healthz',
        ],
        authorizations: [`Bearer ${ctx.adminToken}`, `Bearer ${world.token('key:admin')}`],
      });
      const problems = new Problems();
      const show = (r: RawRequest) =>
        `${r.note} | ${JSON.stringify(rawBytes(r).subarray(0, 200).toString('latin1'))}`;
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          await tracker.sync();
          await tracker.collect();
          const result = await sendRaw(port, rawBytes(r));
          if (result === 'timeout') return problems.add(`no answer on the wire: ${r.note}`, show(r));
          await tracker.sync();
          const changes = await tracker.collect();
          if (result.silent && r.incomplete !== true)
            problems.add(`closed without an answer: ${r.note}`, show(r));
          for (const res of result.responses) {
            const where = `${res.status} on the wire (${r.note})`;
            if (res.status >= 500 || res.status === 0)
              problems.add(where, `${show(r)} → ${res.body.slice(0, 200)}`);
            if (res.status >= 400 && res.status < 500) {
              const bad = envelopeProblem(wireAsInjected(res));
              if (bad)
                problems.add(
                  `${where} without the envelope (${bad})`,
                  `${show(r)} → ${res.body.slice(0, 200)}`,
                );
            }
          }
          const refused = result.responses.length > 0 && result.responses.every((res) => res.status >= 400);
          if (refused && changes.length > 0)
            problems.add(`write on a refusal on the wire: ${r.note}`, `${show(r)} → ${writesOf(changes)}`);
          // An accepted report asks for clustering on the throttle: let it land before the next request.
          if (!refused) await new Promise((resolve) => setTimeout(resolve, TRIGGER_SETTLE_MS));
        }),
        { seed: SEED, numRuns: RAW_RUNS, endOnFailure: true },
      );
      expect(problems.list(), `seed ${SEED}: rerun with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`).toEqual([]);
    },
    120_000 + RAW_RUNS * 1_000,
  );
});
