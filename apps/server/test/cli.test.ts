import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../src/bin/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'fixloop-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 60_000,
  });
}

function write(name: string, lines: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return path;
}

describe('npm run cli -- cluster', () => {
  it('clusters given embeddings at 0.72 by default and writes labels in input order', () => {
    // Two tight pairs and one vector between them: cos 0.99 within pairs, ≈0.7 to the middle one.
    const input = write('emb.jsonl', [
      { id: 'a1', embedding: [1, 0.1, 0] },
      { id: 'b1', embedding: [0, 0.1, 1] },
      { id: 'a2', embedding: [1, 0.05, 0] },
      { id: 'm', embedding: [1, 0, 1] },
      { id: 'b2', embedding: [0, 0.05, 1] },
    ]);
    const out = join(dir, 'emb-out.json');
    const run = cli(['cluster', '--input', input, '--output', out]);
    expect(run.status).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      labels: number[];
      clusters: number;
      seconds: number;
    };
    expect(result.labels).toEqual([0, 1, 0, 2, 1]);
    expect(result.clusters).toBe(3);
    expect(result.seconds).toBeGreaterThanOrEqual(0);

    // A lower threshold takes the middle vector in (average linkage: 0.70 to each pair's members).
    const low = cli([
      'cluster',
      '--input',
      input,
      '--output',
      out,
      '--threshold',
      '0.6',
      '--method',
      'agglomerative',
    ]);
    expect(low.status).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { clusters: number }).clusters).toBeLessThan(3);
  });

  it('embeds texts with the configured offline representation when lines carry no embedding', () => {
    const input = write('text.jsonl', [
      { id: '1', title: 'Login crash on Safari after update' },
      { id: '2', title: 'Export to CSV drops the last column' },
      { id: '3', title: 'Safari login crash when signing in' },
      { id: '4', title: 'CSV export is missing the last column' },
      { id: '5', title: 'Dark mode resets after restart' },
    ]);
    const out = join(dir, 'text-out.json');
    const run = cli(['cluster', '--input', input, '--output', out, '--min-cluster-size', '2']);
    expect(run.stderr).toContain('5 reports');
    expect(run.status).toBe(0);
    const { labels } = JSON.parse(readFileSync(out, 'utf8')) as { labels: number[] };
    expect(labels[0]).toBe(labels[2]);
    expect(labels[1]).toBe(labels[3]);
    expect(labels[0]).not.toBe(labels[1]);
    expect(new Set(labels).size).toBe(3);
  });

  it('explains its usage on bad arguments and mixed input', () => {
    const missing = cli(['cluster', '--input', join(dir, 'emb.jsonl')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('usage:');
    const mixed = write('mixed.jsonl', [
      { id: 'x', embedding: [1, 0] },
      { id: 'y', title: 'no vector' },
    ]);
    const run = cli(['cluster', '--input', mixed, '--output', join(dir, 'mixed-out.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('give all or none');
  });
});
