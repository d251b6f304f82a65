import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChaosSummary } from '../../../scripts/chaos/summary.js';

const CHAOS = resolve(import.meta.dirname, '../../../scripts/chaos.ts');
const dir = mkdtempSync(join(tmpdir(), 'fixloop-chaos-test-'));
let child: ChildProcess | undefined;
afterAll(() => {
  // A run cut short by the test's timeout stops its processes on SIGTERM.
  if (child && child.exitCode === null) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run test:chaos`, short: the real processes on their own managed Redis, killed with SIGKILL. */
describe('the chaos run, short', () => {
  it('loses, duplicates and strands nothing acknowledged while the API, the worker and Redis are killed', async () => {
    const summaryPath = join(dir, 'summary.json');
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHAOS,
        '--duration',
        '20',
        '--settle',
        '30',
        '--seed',
        '7',
        '--summary',
        summaryPath,
      ],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((done) => child?.once('exit', (c) => done(c)));
    expect(code, output).toBe(0);

    const s = JSON.parse(readFileSync(summaryPath, 'utf8')) as ChaosSummary;
    expect(s.violations).toEqual([]);
    for (const kind of ['api', 'worker', 'redis'] as const) {
      expect(s.kills[kind], kind).toBeGreaterThan(0);
      expect(s.restarts[kind], kind).toBe(s.kills[kind]);
    }
    expect(s.acknowledged).toBeGreaterThan(0);
    expect(s.redditPosts).toBeGreaterThan(0);
    // Every acknowledged item and every Reddit post stored once, and nothing else.
    expect(s.stored).toBe(s.acknowledged + s.redditPosts);
    expect(s.clusters).toBeGreaterThan(0);
    expect(s.clusteringJobs.succeeded).toBeGreaterThan(0);
  }, 150_000);
});
