/** Longest line handed on; a longer run of output without a newline is cut into pieces this long. */
export const MAX_LINE_CHARS = 8_000;

export interface LineSplitter {
  push(chunk: string): void;
  /** Hands on what is left after the last newline. */
  flush(): void;
}

/** Turns a stream's text chunks into lines without `\n` or a trailing `\r`; keeps one partial line. */
export function lineSplitter(emit: (line: string) => void): LineSplitter {
  let partial = '';
  const out = (line: string) => emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) out(line);
      while (partial.length > MAX_LINE_CHARS) {
        out(partial.slice(0, MAX_LINE_CHARS));
        partial = partial.slice(MAX_LINE_CHARS);
      }
    },
    flush() {
      if (partial) out(partial);
      partial = '';
    },
  };
}
