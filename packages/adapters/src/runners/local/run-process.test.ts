import { describe, expect, it } from 'vitest';
import { type OutputStream, type ProcessSpec, runProcess } from './run-process.js';
import { uniqueSleep, waitUntilGone } from './testing/processes.js';

function spec(script: string, overrides: Partial<ProcessSpec> = {}) {
  const lines: Array<[OutputStream, string]> = [];
  let capped = 0;
  const full: ProcessSpec = {
    argv: ['/bin/sh', '-c', script],
    env: { PATH: '/usr/bin:/bin' },
    cwd: '/',
    timeoutMs: 5_000,
    killGraceMs: 200,
    outputCapBytes: 1_000_000,
    signal: new AbortController().signal,
    onLine: (stream, line) => lines.push([stream, line]),
    onCapped: () => {
      capped += 1;
    },
    ...overrides,
  };
  return { full, lines, capped: () => capped };
}

describe('runProcess', () => {
  it('hands on lines from both streams, feeds stdin and answers the exit code', async () => {
    const s = spec('read x; echo "got $x"; printf "a\\r\\nb" >&2; exit 3', { input: 'hello\n' });
    await expect(runProcess(s.full)).resolves.toEqual({ exitCode: 3, timedOut: false, aborted: false });
    expect(s.lines).toEqual([
      ['stdout', 'got hello'],
      ['stderr', 'a'],
      ['stderr', 'b'],
    ]);
  });

  it('kills the whole process group at the timeout, SIGKILL for what ignores SIGTERM', async () => {
    const sleep = uniqueSleep();
    const s = spec(`sleep ${sleep} & trap "" TERM; sleep ${sleep}; sleep ${sleep}`, { timeoutMs: 300 });
    const started = Date.now();
    const result = await runProcess(s.full);
    expect(result).toEqual({ exitCode: null, timedOut: true, aborted: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await waitUntilGone(sleep)).toEqual([]);
  });

  it('stops on abort', async () => {
    const sleep = uniqueSleep();
    const controller = new AbortController();
    const s = spec(`echo ready; sleep ${sleep}`, {
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    await expect(runProcess(s.full)).resolves.toMatchObject({ aborted: true, timedOut: false });
    expect(await waitUntilGone(sleep)).toEqual([]);
  });

  it('does not wait for background processes left holding the output', async () => {
    const sleep = uniqueSleep();
    const s = spec(`(sleep ${sleep} &); echo done`);
    const started = Date.now();
    await expect(runProcess(s.full)).resolves.toMatchObject({ exitCode: 0 });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await waitUntilGone(sleep)).toEqual([]);
  });

  it('stops logging at the output cap but lets the process finish', async () => {
    const s = spec('i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done', { outputCapBytes: 100 });
    await expect(runProcess(s.full)).resolves.toMatchObject({ exitCode: 0 });
    expect(s.capped()).toBe(1);
    const logged = s.lines.map(([, line]) => line).join('\n');
    expect(logged.length).toBeLessThanOrEqual(100);
    expect(s.lines[0]).toEqual(['stdout', 'line 0']);
  });

  it('rejects when the program cannot be started', async () => {
    const s = spec('', { argv: ['/nonexistent/program'] });
    await expect(runProcess(s.full)).rejects.toThrow('ENOENT');
  });
});
