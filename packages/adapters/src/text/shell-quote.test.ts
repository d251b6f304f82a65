import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it('leaves plain paths alone and single-quotes the rest', () => {
    expect(shellQuote('/tmp/job-1/task.md')).toBe('/tmp/job-1/task.md');
    expect(shellQuote('/tmp/a b')).toBe("'/tmp/a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    expect(shellQuote('')).toBe("''");
  });

  it.each(['/bin/sh', 'bash'])('survives %s unchanged', (shell) => {
    for (const text of ['a b\'c"d', '$(touch /tmp/x)', '`id`; rm -rf /', 'tab\there', 'new\nline', '*']) {
      const echoed = execFileSync(shell, ['-c', `printf '%s' ${shellQuote(text)}`], { encoding: 'utf8' });
      expect(echoed).toBe(text);
    }
  });
});
