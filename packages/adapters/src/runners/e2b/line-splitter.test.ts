import { describe, expect, it } from 'vitest';
import { lineSplitter, MAX_LINE_CHARS } from './line-splitter.js';
import { fillPlaceholders, shellQuote } from './shell-quote.js';

describe('lineSplitter', () => {
  it('joins chunks into lines, drops \\r before \\n and flushes the rest', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('a');
    split.push('b\r\nc\n\nd');
    expect(lines).toEqual(['ab', 'c', '']);
    split.flush();
    split.flush();
    expect(lines).toEqual(['ab', 'c', '', 'd']);
  });

  it('cuts a line without newlines into bounded pieces', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('x'.repeat(MAX_LINE_CHARS * 2 + 5));
    split.flush();
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 5]);
  });
});

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('/opt/fixloop/task.md')).toBe('/opt/fixloop/task.md');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    expect(shellQuote('')).toBe("''");
  });

  it('fills the placeholders with quoted paths', () => {
    expect(
      fillPlaceholders('agent --task {task_file} --dir {workspace} {workspace}', {
        taskFile: '/opt/x/task.md',
        workspace: '/home/user/my repo',
      }),
    ).toBe("agent --task /opt/x/task.md --dir '/home/user/my repo' '/home/user/my repo'");
  });
});
