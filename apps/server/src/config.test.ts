import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.redisUrl).toBeUndefined();
    expect(c.redisFsync).toBe('everysec');
    expect(c.dataDir).toBe('./data');
    expect(c.publicUrl).toBe('http://127.0.0.1:8000');
    expect(c.backendUrl).toBe('http://127.0.0.1:8000');
    expect(c.bodyLimit).toBe(1_048_576);
    expect(c.importBodyLimit).toBe(52_428_800);
    expect(c.github.apiUrl).toBe('https://api.github.com');
    expect(c.reddit.baseUrl).toBe('https://www.reddit.com');
    expect(c.reddit.pollIntervalS).toBe(300);
    expect(c.reddit.subreddits).toEqual([]);
    expect(c.sessions).toEqual({ ttlS: 604_800, secureCookie: false });
    expect(c.trustedOrigins).toEqual(['http://127.0.0.1:8000']);
    expect(c.webDistDir).toBe(fileURLToPath(new URL('../../web/dist', import.meta.url)));
  });

  it('trusts the public origin and ALLOWED_ORIGINS for session writes; https makes the cookie Secure', () => {
    const c = loadConfig({
      PUBLIC_URL: 'https://fixloop.example.com/base',
      ALLOWED_ORIGINS: 'http://localhost:5173/, https://admin.example.com,https://fixloop.example.com',
      SESSION_TTL_S: '3600',
      WEB_DIST_DIR: 'some/dir',
    });
    expect(c.trustedOrigins).toEqual([
      'https://fixloop.example.com',
      'http://localhost:5173',
      'https://admin.example.com',
    ]);
    expect(c.sessions).toEqual({ ttlS: 3600, secureCookie: true });
    expect(c.webDistDir).toBe(`${process.cwd()}/some/dir`);
  });

  it('derives BACKEND_URL from PUBLIC_URL and parses lists', () => {
    const c = loadConfig({
      PUBLIC_URL: 'https://fixloop.example.com/',
      REDDIT_SUBREDDITS: 'rust, typescript node',
    });
    expect(c.publicUrl).toBe('https://fixloop.example.com');
    expect(c.backendUrl).toBe('https://fixloop.example.com');
    expect(c.reddit.subreddits).toEqual(['rust', 'typescript', 'node']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_FSYNC', 'never'],
    ['BODY_LIMIT', '-1'],
    ['GITHUB_API_URL', 'ftp://example.com'],
    ['REDDIT_SUBREDDITS', 'ok,not-valid!'],
    ['ADMIN_TOKEN', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['SESSION_TTL_S', '0'],
    ['ALLOWED_ORIGINS', 'https://example.com/path'],
    ['ALLOWED_ORIGINS', 'example.com'],
  ])('rejects a bad %s with a one-line message naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('reads the edge settings: request limits, CORS origins, private URLs', () => {
    const d = loadConfig({});
    expect(d.edges).toEqual({
      rateLimitPerMin: 300_000,
      rateLimitIpPerMin: 600,
      corsOrigins: [],
      allowPrivateUrls: false,
    });
    const c = loadConfig({
      RATE_LIMIT_PER_MIN: '0',
      RATE_LIMIT_IP_PER_MIN: '30',
      CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173',
      ALLOW_PRIVATE_URLS: 'true',
    });
    expect(c.edges).toEqual({
      rateLimitPerMin: 0,
      rateLimitIpPerMin: 30,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      allowPrivateUrls: true,
    });
    expect(() => loadConfig({ RATE_LIMIT_PER_MIN: '-1' })).toThrow(/RATE_LIMIT_PER_MIN/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads the metrics token and port', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'scrape-token-0123456789', METRICS_PORT: '9464' }).metrics).toEqual({
      token: 'scrape-token-0123456789',
      port: 9464,
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('refuses a GITHUB_TOKEN that could not travel in a header', () => {
    expect(loadConfig({ GITHUB_TOKEN: 'ghp_abc123' }).github.token).toBe('ghp_abc123');
    expect(() => loadConfig({ GITHUB_TOKEN: 'ghp_abc\n123' })).toThrow(/GITHUB_TOKEN/);
    expect(() => loadConfig({ GITHUB_TOKEN: 'ghp abc' })).toThrow(/GITHUB_TOKEN/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ REDIS_URL: '', PORT: '' }).port).toBe(8000);
  });
});
