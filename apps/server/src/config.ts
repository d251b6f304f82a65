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
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  REDDIT_BASE_URL: url.default('https://www.reddit.com'),
  REDDIT_OAUTH_URL: url.default('https://oauth.reddit.com'),
  REDDIT_SUBREDDITS: list.optional(),
  REDDIT_CLIENT_ID: z.string().min(1).optional(),
  REDDIT_CLIENT_SECRET: z.string().min(1).optional(),
  REDDIT_USER_AGENT: z.string().min(1).optional(),
  REDDIT_POLL_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(300),
  SENTRY_WEBHOOK_SECRET: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_{}-]{1,64}$/, 'letters, digits, : _ - and braces (e.g. {bull} on Redis Cluster)')
    .default('bull'),
  TRUST_PROXY: bool.default(false),
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
  shutdownTimeoutMs: number;
  queuePrefix: string;
  trustProxy: boolean;
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
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    queuePrefix: e.QUEUE_PREFIX,
    trustProxy: e.TRUST_PROXY,
  };
}
