import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fillPlaceholders, shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it('leaves plain paths alone and single-quotes the rest', () => {
    expect(shellQuote('/tmp/job-1/task.md')).toBe('/tmp/job-1/task.md');
    expect(shellQuote('/tmp/a b')).toBe("'/tmp/a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('survives a real shell unchanged', () => {
    for (const text of ['a b\'c"d', '$(touch /tmp/x)', '`id`; rm -rf /', 'tab\there', 'new\nline', '*']) {
      const echoed = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(text)}`], { encoding: 'utf8' });
      expect(echoed).toBe(text);
    }
  });
});

describe('fillPlaceholders', () => {
  it('replaces every placeholder with a quoted absolute path', () => {
    const filled = fillPlaceholders(
      'agent --task {task_file} --cwd {workspace} --again {task_file} {other}',
      {
        taskFile: '/tmp/j k/task.md',
        workspace: '/tmp/j k/workspace',
      },
    );
    expect(filled).toBe(
      "agent --task '/tmp/j k/task.md' --cwd '/tmp/j k/workspace' --again '/tmp/j k/task.md' {other}",
    );
  });
});
