import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLegacy } from './testing/legacy-fixture.js';
import { diffKeys, snapshot, startLegacyRedis } from './testing/legacy-redis.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let server: Awaited<ReturnType<typeof startLegacyRedis>>;
let dataDir: string;

/** `npm run migrate -- …` as a real process, with only the environment it is given. */
function migrate(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '--silent', 'migrate', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

beforeAll(async () => {
  server = await startLegacyRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'fixloop-migrate-cli-'));
  await seedLegacy(server.redis, { feedback: 300, clusters: 20, jobs: 12 });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run migrate', () => {
  it('--from-legacy --dry-run prints the counts and writes nothing', async () => {
    const before = await snapshot(server.redis);
    const size = await server.redis.dbsize();
    const r = await migrate(['--from-legacy', '--dry-run'], { REDIS_URL: server.url });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dry run (nothing written): legacy layout → project "default"');
    expect(r.out).toMatch(/^feedback\s+302\s+296\s+0\s+1\s+5$/m);
    expect(r.out).toMatch(/^clusters\s+22\s+19\s+0\s+0\s+3$/m);
    expect(r.out).toContain('feedback:odd-empty: no title, body or raw_text');
    expect(await server.redis.dbsize()).toBe(size);
    expect(diffKeys(before, await snapshot(server.redis))).toEqual([]);
  }, 60_000);

  it('migrates, and says so when a second run has nothing to do', async () => {
    const first = await migrate(['--from-legacy'], { REDIS_URL: server.url });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^feedback\s+302\s+296\s+0\s+1\s+5$/m);
    expect(first.out).toContain('the next clustering run re-embeds and reclusters the project');
    const second = await migrate(['--from-legacy'], { REDIS_URL: server.url });
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^feedback\s+302\s+0\s+296\s+1\s+5$/m);
    expect(second.out).toContain('Nothing changed');
  }, 60_000);

  it('says clearly when no Redis is reachable', async () => {
    const r = await migrate(['--from-legacy', '--dry-run'], {});
    expect(r.code).toBe(1);
    expect(r.err).toContain('no Redis reachable: REDIS_URL is unset and the managed Redis of DATA_DIR');
    expect(r.err).not.toContain('Nothing is lost');
  }, 60_000);

  it('asks for --from-legacy', async () => {
    const r = await migrate(['--dry-run'], { REDIS_URL: server.url });
    expect(r.code).toBe(2);
    expect(r.err).toContain('say what to migrate from: --from-legacy');
  }, 60_000);
});
