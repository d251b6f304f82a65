import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeaderToken } from '@fixloop/contracts';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off'])
  .transform((v) => v === 'true' || v === '1' || v === 'on');
const port = z.coerce.number().int().min(0).max(65_535);
const bytes = z.coerce.number().int().min(1_024).max(1_073_741_824);
const url = z.url({ protocol: /^https?$/ });
const list = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'subreddit names: 2–21 letters, digits or _')));

/** Origins (`scheme://host[:port]`, no path) separated by commas or spaces. */
const origins = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (s) => originOf(s) !== undefined,
          'origins such as https://app.example.com (scheme, host, port; no path)',
        )
        .transform((s) => originOf(s) as string),
    ),
  );

/** The origin of an http(s) URL that has nothing else (a trailing `/` aside); undefined otherwise. */
function originOf(s: string): string | undefined {
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.pathname !== '/' || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '')
      return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** Fixloop's own credentials: never passed to a coding agent, whatever `CODING_AGENT_ENV` says. */
const SERVER_SECRETS = [
  'SECRETS_KEY',
  'ADMIN_TOKEN',
  'REDIS_URL',
  'GITHUB_TOKEN',
  'GITHUB_WEBHOOK_SECRET',
  'SENTRY_WEBHOOK_SECRET',
  'REDDIT_CLIENT_SECRET',
  'E2B_API_KEY',
  'GITHUB_CLIENT_SECRET',
  'METRICS_TOKEN',
];

/** Where the dashboard's build lands by default: apps/web/dist beside this package. */
const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * Each plan's monthly limits when billing is on (the free plan's reports and runs are set by
 * `FREE_FEEDBACK_PER_MONTH` / `FREE_AGENT_RUNS_PER_MONTH`). AGENT_MAX_RUNS_PER_MONTH still caps every
 * plan: keep it at least as high as the largest plan's runs.
 */
const PLAN_LIMITS = {
  free: { feedback: 500, agentRuns: 10, members: 3 },
  pro: { feedback: 10_000, agentRuns: 100, members: 10 },
  team: { feedback: 100_000, agentRuns: 500, members: 50 },
} as const;

/** Every environment variable Fixloop reads, with its default. Nothing else reads `process.env`. */
export const EnvSchema = z.object({
  PORT: port.default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|unix):\/\//, 'a redis://, rediss:// or unix:// URL')
    .optional(),
  REDIS_FSYNC: z.enum(['everysec', 'always']).default('everysec'),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  SECRETS_KEY: z.string().min(32, 'at least 32 characters').optional(),
  PUBLIC_URL: url.optional(),
  BACKEND_URL: url.optional(),
  BODY_LIMIT: bytes.default(1_048_576),
  IMPORT_BODY_LIMIT: bytes.default(52_428_800),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GITHUB_API_URL: url.default('https://api.github.com'),
  GITHUB_TOKEN: HeaderToken.optional(),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  REDDIT_BASE_URL: url.default('https://www.reddit.com'),
  REDDIT_OAUTH_URL: url.default('https://oauth.reddit.com'),
  REDDIT_SUBREDDITS: list.optional(),
  REDDIT_CLIENT_ID: z.string().min(1).optional(),
  REDDIT_CLIENT_SECRET: z.string().min(1).optional(),
  REDDIT_USER_AGENT: z.string().min(1).optional(),
  REDDIT_POLL_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(300),
  SENTRY_WEBHOOK_SECRET: z.string().min(1).optional(),
  EMBEDDINGS_PROVIDER: z.enum(['local', 'gemini', 'openai']).default('local'),
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(8).max(8_192).optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_BASE_URL: url.default('https://generativelanguage.googleapis.com'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.default('https://api.openai.com/v1'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: url.default('https://api.anthropic.com'),
  LLM_PROVIDER: z.enum(['offline', 'openai', 'gemini', 'anthropic']).default('offline'),
  LLM_MODEL: z.string().min(1).optional(),
  CLUSTERING_METHOD: z.enum(['agglomerative', 'centroid', 'vector_like']).default('agglomerative'),
  CLUSTERING_SIM_THRESHOLD: z.coerce.number().gt(-1).lt(1).optional(),
  CLUSTERING_MIN_CLUSTER_SIZE: z.coerce.number().int().min(1).max(1_000).default(2),
  CLUSTERING_TRUNCATE_BODY_CHARS: z.coerce.number().int().min(0).max(100_000).default(1500),
  CLUSTERING_DEBOUNCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  CLUSTERING_BATCH_SIZE: z.coerce.number().int().min(1).max(20_000).default(1_000),
  CLUSTERING_LOCK_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_{}-]{1,64}$/, 'letters, digits, : _ - and braces (e.g. {bull} on Redis Cluster)')
    .default('bull'),
  TRUST_PROXY: bool.default(false),
  SESSION_TTL_S: z.coerce.number().int().min(1).max(31_536_000).default(604_800),
  ALLOWED_ORIGINS: origins.optional(),
  // Hardened edges: rate limits (requests per minute, shared between processes through Redis; 0
  // switches one off), cross-origin reads, and the private networks user-set URLs may point at.
  RATE_LIMIT_PER_MIN: z.coerce.number().int().min(0).max(100_000_000).default(300_000),
  RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().min(0).max(100_000_000).default(600),
  CORS_ORIGINS: origins.optional(),
  ALLOW_PRIVATE_URLS: bool.default(false),
  WEB_DIST_DIR: z.string().min(1).optional(),
  CODING_AGENT_RUNNER: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a runner name such as local or e2b')
    .default('local'),
  CODING_AGENT_COMMAND: z.string().min(1).optional(),
  CODING_AGENT_ENV: z
    .string()
    .transform((s) => s.split(/[\s,]+/).filter(Boolean))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names')
          .refine(
            (name) => !SERVER_SECRETS.includes(name) && !name.startsWith('STRIPE_'),
            "names one of Fixloop's own secrets, which the agent never receives",
          ),
      ),
    )
    .optional(),
  CODING_AGENT_NETWORK: z.enum(['on', 'off']).default('off'),
  CODING_AGENT_UNSANDBOXED: z.enum(['allow', 'refuse']).default('refuse'),
  CODING_AGENT_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(1_800),
  CODING_AGENT_OUTPUT_CAP_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(10_485_760),
  CODING_AGENT_RO_BINDS: z
    .string()
    .transform((s) => s.split(/[\s,:]+/).filter(Boolean))
    .pipe(z.array(z.string().startsWith('/', 'absolute paths')))
    .optional(),
  ALLOW_LOCAL_REPOSITORIES: bool.default(false),
  AGENT_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(1_000).default(2),
  AGENT_MAX_RUNS_PER_MONTH: z.coerce.number().int().min(0).max(1_000_000).default(100),
  AGENT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  AGENT_LOCK_TTL_MS: z.coerce.number().int().min(5_000).max(600_000).default(60_000),
  E2B_API_KEY: z.string().min(1).optional(),
  E2B_DOMAIN: z.string().min(1).optional(),
  KILOCODE_TEMPLATE_NAME: z.string().min(1).optional(),
  // Accounts: sign-up and sign-in with GitHub.
  ALLOW_SIGNUP: bool.default(false),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_OAUTH_URL: url.default('https://github.com'),
  // Billing: on when STRIPE_SECRET_KEY is set; off, every project is unlimited.
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_PRICE_PRO: z.string().min(1).optional(),
  STRIPE_PRICE_TEAM: z.string().min(1).optional(),
  STRIPE_API_URL: url.optional(),
  FREE_FEEDBACK_PER_MONTH: z.coerce.number().int().min(1).max(100_000_000).default(500),
  FREE_AGENT_RUNS_PER_MONTH: z.coerce.number().int().min(0).max(1_000_000).default(10),
  // Observability: who may read /metrics (besides the admin key), and a listener serving only
  // /metrics (for worker processes, which have no HTTP API).
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  redisFsync: 'everysec' | 'always';
  redisServerBin: string;
  dataDir: string;
  adminToken: string | undefined;
  secretsKey: string | undefined;
  publicUrl: string;
  backendUrl: string;
  bodyLimit: number;
  importBodyLimit: number;
  logLevel: Env['LOG_LEVEL'];
  github: { apiUrl: string; token: string | undefined; webhookSecret: string | undefined };
  reddit: {
    baseUrl: string;
    oauthUrl: string;
    subreddits: string[];
    clientId: string | undefined;
    clientSecret: string | undefined;
    userAgent: string;
    pollIntervalS: number;
  };
  sentry: { webhookSecret: string | undefined };
  embeddings: {
    provider: 'local' | 'gemini' | 'openai';
    model: string | undefined;
    dimensions: number | undefined;
    geminiApiKey: string | undefined;
    geminiBaseUrl: string;
    openaiApiKey: string | undefined;
    openaiBaseUrl: string;
  };
  llm: {
    provider: 'offline' | 'openai' | 'gemini' | 'anthropic';
    model: string | undefined;
    anthropicApiKey: string | undefined;
    anthropicBaseUrl: string;
  };
  clustering: {
    method: 'agglomerative' | 'centroid' | 'vector_like';
    simThreshold: number | undefined;
    minClusterSize: number;
    truncateBodyChars: number;
    debounceMs: number;
    batchSize: number;
    lockTtlMs: number;
  };
  shutdownTimeoutMs: number;
  queuePrefix: string;
  trustProxy: boolean;
  sessions: {
    ttlS: number;
    /** The session cookie is `Secure` when the public URL is https. */
    secureCookie: boolean;
  };
  /** Origins whose pages may write with the session cookie: PUBLIC_URL's, then `ALLOWED_ORIGINS`. */
  trustedOrigins: string[];
  /** The dashboard's built files (`index.html` and `assets/`). */
  webDistDir: string;
  edges: {
    /** Requests a minute per credential (API key, session, job credential); 0: no limit. */
    rateLimitPerMin: number;
    /** Requests a minute per client IP without a valid credential (and for webhooks: per IP, at the credential limit); 0: no limit. */
    rateLimitIpPerMin: number;
    /** Origins whose pages may call the API from the browser with an API key (CORS); empty: none. */
    corsOrigins: string[];
    /** Whether user-set URLs (a repository's `cloneUrl`) may point at loopback, link-local or private addresses. */
    allowPrivateUrls: boolean;
  };
  agents: {
    runner: string;
    /** The agent's command line (`{task_file}`, `{workspace}`); unset: fixes cannot run. */
    command: string | undefined;
    /** Names of the server's environment variables the agent receives; nothing else. */
    env: string[];
    network: boolean;
    allowUnsandboxed: boolean;
    timeoutMs: number;
    outputCapBytes: number;
    readOnlyBinds: string[];
    allowLocalRepositories: boolean;
    maxConcurrentRuns: number;
    maxRunsPerMonth: number;
    workerConcurrency: number;
    /** How long a dead worker's agent job stays `running` before it is failed ("retry it"). */
    lockTtlMs: number;
    e2b: { apiKey: string | undefined; domain: string | undefined; template: string | undefined };
  };
  accounts: {
    /** Whether people may sign up once the first account exists (the first may always). */
    allowSignup: boolean;
    /** Sign-in with GitHub; null unless both the client id and secret are set. */
    github: { clientId: string; clientSecret: string; oauthUrl: string } | null;
  };
  metrics: {
    /** A Bearer token that may read `/metrics` (so may the admin key); unset: the admin key only. */
    token: string | undefined;
    /** A listener serving only `/metrics` on this port (on `HOST`); unset: none. */
    port: number | undefined;
  };
  billing: {
    /** On when `STRIPE_SECRET_KEY` is set; off, there are no plan limits (only the AGENT_MAX_* ones). */
    enabled: boolean;
    stripe: { secretKey: string; webhookSecret: string; apiUrl: string | undefined } | null;
    prices: { pro?: string; team?: string };
    plans: Record<'free' | 'pro' | 'team', { feedback: number; agentRuns: number; members: number }>;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; a bad value throws a one-line message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'bad value'}`);
  }
  const e = parsed.data;
  if (e.EMBEDDINGS_PROVIDER === 'gemini' && !e.GEMINI_API_KEY) {
    throw new ConfigError('invalid GEMINI_API_KEY: required when EMBEDDINGS_PROVIDER=gemini');
  }
  if (e.LLM_PROVIDER === 'gemini' && !e.GEMINI_API_KEY) {
    throw new ConfigError('invalid GEMINI_API_KEY: required when LLM_PROVIDER=gemini');
  }
  if (e.LLM_PROVIDER === 'anthropic' && !e.ANTHROPIC_API_KEY) {
    throw new ConfigError('invalid ANTHROPIC_API_KEY: required when LLM_PROVIDER=anthropic');
  }
  if ((e.GITHUB_CLIENT_ID === undefined) !== (e.GITHUB_CLIENT_SECRET === undefined)) {
    const missing = e.GITHUB_CLIENT_ID === undefined ? 'GITHUB_CLIENT_ID' : 'GITHUB_CLIENT_SECRET';
    throw new ConfigError(
      `invalid ${missing}: sign-in with GitHub needs both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET`,
    );
  }
  if (e.STRIPE_SECRET_KEY !== undefined && e.STRIPE_WEBHOOK_SECRET === undefined) {
    throw new ConfigError('invalid STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set');
  }
  const publicUrl = (
    e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`
  ).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisFsync: e.REDIS_FSYNC,
    redisServerBin: e.REDIS_SERVER_BIN,
    dataDir: e.DATA_DIR,
    adminToken: e.ADMIN_TOKEN,
    secretsKey: e.SECRETS_KEY,
    publicUrl,
    backendUrl: (e.BACKEND_URL ?? publicUrl).replace(/\/$/, ''),
    bodyLimit: e.BODY_LIMIT,
    importBodyLimit: e.IMPORT_BODY_LIMIT,
    logLevel: e.LOG_LEVEL,
    github: {
      apiUrl: e.GITHUB_API_URL.replace(/\/$/, ''),
      token: e.GITHUB_TOKEN,
      webhookSecret: e.GITHUB_WEBHOOK_SECRET,
    },
    reddit: {
      baseUrl: e.REDDIT_BASE_URL.replace(/\/$/, ''),
      oauthUrl: e.REDDIT_OAUTH_URL.replace(/\/$/, ''),
      subreddits: e.REDDIT_SUBREDDITS ?? [],
      clientId: e.REDDIT_CLIENT_ID,
      clientSecret: e.REDDIT_CLIENT_SECRET,
      userAgent: e.REDDIT_USER_AGENT ?? 'server:fixloop:0.1.0 (feedback triage; self-hosted)',
      pollIntervalS: e.REDDIT_POLL_INTERVAL_S,
    },
    sentry: { webhookSecret: e.SENTRY_WEBHOOK_SECRET },
    embeddings: {
      provider: e.EMBEDDINGS_PROVIDER,
      model: e.EMBEDDINGS_MODEL,
      dimensions: e.EMBEDDINGS_DIMENSIONS,
      geminiApiKey: e.GEMINI_API_KEY,
      geminiBaseUrl: e.GEMINI_BASE_URL.replace(/\/$/, ''),
      openaiApiKey: e.OPENAI_API_KEY,
      openaiBaseUrl: e.OPENAI_BASE_URL.replace(/\/$/, ''),
    },
    llm: {
      provider: e.LLM_PROVIDER,
      model: e.LLM_MODEL,
      anthropicApiKey: e.ANTHROPIC_API_KEY,
      anthropicBaseUrl: e.ANTHROPIC_BASE_URL.replace(/\/$/, ''),
    },
    clustering: {
      method: e.CLUSTERING_METHOD,
      simThreshold: e.CLUSTERING_SIM_THRESHOLD,
      minClusterSize: e.CLUSTERING_MIN_CLUSTER_SIZE,
      truncateBodyChars: e.CLUSTERING_TRUNCATE_BODY_CHARS,
      debounceMs: e.CLUSTERING_DEBOUNCE_MS,
      batchSize: e.CLUSTERING_BATCH_SIZE,
      lockTtlMs: e.CLUSTERING_LOCK_TTL_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    queuePrefix: e.QUEUE_PREFIX,
    trustProxy: e.TRUST_PROXY,
    sessions: { ttlS: e.SESSION_TTL_S, secureCookie: publicUrl.startsWith('https:') },
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...(e.ALLOWED_ORIGINS ?? [])])],
    webDistDir: e.WEB_DIST_DIR === undefined ? DEFAULT_WEB_DIST_DIR : resolve(e.WEB_DIST_DIR),
    edges: {
      rateLimitPerMin: e.RATE_LIMIT_PER_MIN,
      rateLimitIpPerMin: e.RATE_LIMIT_IP_PER_MIN,
      corsOrigins: e.CORS_ORIGINS ?? [],
      allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    },
    agents: {
      runner: e.CODING_AGENT_RUNNER,
      command: e.CODING_AGENT_COMMAND,
      env: e.CODING_AGENT_ENV ?? [],
      network: e.CODING_AGENT_NETWORK === 'on',
      allowUnsandboxed: e.CODING_AGENT_UNSANDBOXED === 'allow',
      timeoutMs: e.CODING_AGENT_TIMEOUT_S * 1000,
      outputCapBytes: e.CODING_AGENT_OUTPUT_CAP_BYTES,
      readOnlyBinds: e.CODING_AGENT_RO_BINDS ?? [],
      allowLocalRepositories: e.ALLOW_LOCAL_REPOSITORIES,
      maxConcurrentRuns: e.AGENT_MAX_CONCURRENT_RUNS,
      maxRunsPerMonth: e.AGENT_MAX_RUNS_PER_MONTH,
      workerConcurrency: e.AGENT_WORKER_CONCURRENCY,
      lockTtlMs: e.AGENT_LOCK_TTL_MS,
      e2b: { apiKey: e.E2B_API_KEY, domain: e.E2B_DOMAIN, template: e.KILOCODE_TEMPLATE_NAME },
    },
    accounts: {
      allowSignup: e.ALLOW_SIGNUP,
      github:
        e.GITHUB_CLIENT_ID !== undefined && e.GITHUB_CLIENT_SECRET !== undefined
          ? {
              clientId: e.GITHUB_CLIENT_ID,
              clientSecret: e.GITHUB_CLIENT_SECRET,
              oauthUrl: e.GITHUB_OAUTH_URL.replace(/\/$/, ''),
            }
          : null,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    billing: {
      enabled: e.STRIPE_SECRET_KEY !== undefined,
      stripe:
        e.STRIPE_SECRET_KEY !== undefined && e.STRIPE_WEBHOOK_SECRET !== undefined
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              apiUrl: e.STRIPE_API_URL,
            }
          : null,
      prices: {
        ...(e.STRIPE_PRICE_PRO === undefined ? {} : { pro: e.STRIPE_PRICE_PRO }),
        ...(e.STRIPE_PRICE_TEAM === undefined ? {} : { team: e.STRIPE_PRICE_TEAM }),
      },
      plans: {
        ...PLAN_LIMITS,
        free: {
          ...PLAN_LIMITS.free,
          feedback: e.FREE_FEEDBACK_PER_MONTH,
          agentRuns: e.FREE_AGENT_RUNS_PER_MONTH,
        },
      },
    },
  };
}
