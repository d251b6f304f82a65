import { describe, expect, it } from 'vitest';
import { lineSplitter, MAX_LINE_CHARS } from './line-splitter.js';

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
