import pino, { type Logger, type LoggerOptions } from 'pino';

/** Paths that never reach a log line in clear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["sentry-hook-signature"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'githubToken',
  '*.githubToken',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'sentryWebhookSecret',
  'githubWebhookSecret',
  'adminToken',
  'secretsKey',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'fixloop' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}
