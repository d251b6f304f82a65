import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobDir, sweepJobDirs } from './job-dir.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('sweepJobDirs', () => {
  it('removes only old job directories, read-only leftovers included, and keeps everything else', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fixloop-sweep-'));
    roots.push(work);
    const old = await createJobDir(work, 'task');
    mkdirSync(join(old.root, 'workspace/cache'), { recursive: true });
    writeFileSync(join(old.root, 'workspace/cache/mod.go'), 'x');
    chmodSync(join(old.root, 'workspace/cache'), 0o500);
    const fresh = await createJobDir(work, 'task');
    const other = join(work, 'not-a-job');
    mkdirSync(other);
    const now = Date.now();
    const dayAgo = new Date(now - 25 * 3600_000);
    utimesSync(old.root, dayAgo, dayAgo);
    utimesSync(other, dayAgo, dayAgo);

    expect(await sweepJobDirs(work, 24 * 3600_000, now)).toBe(1);
    expect(existsSync(old.root)).toBe(false);
    expect(existsSync(fresh.root)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(await sweepJobDirs(join(work, 'missing'), 1, now)).toBe(0);
  });
});
