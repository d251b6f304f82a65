import { useCallback, useState } from 'react';

/**
 * Cursor pagination seen as pages: the stack of cursors that led here, so Previous needs no
 * backwards cursor from the server. A new `resetKey` (the filters) starts again at the first page.
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key: resetKey, stack: [] });
  const stack = state.key === resetKey ? state.stack : [];
  const next = useCallback(
    (nextCursor: string) =>
      setState((s) => ({ key: resetKey, stack: [...(s.key === resetKey ? s.stack : []), nextCursor] })),
    [resetKey],
  );
  const previous = useCallback(
    () => setState((s) => ({ key: resetKey, stack: (s.key === resetKey ? s.stack : []).slice(0, -1) })),
    [resetKey],
  );
  return { cursor: stack.at(-1), page: stack.length + 1, next, previous };
}

export interface PagerProps {
  page: number;
  nextCursor: string | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  busy?: boolean;
  label: string;
}

export function Pager({ page, nextCursor, onNext, onPrevious, busy = false, label }: PagerProps) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" onClick={onPrevious} disabled={page <= 1 || busy}>
        Previous
      </button>
      <span className="pager-page" aria-live="polite">
        Page {page}
      </span>
      <button
        type="button"
        className="button"
        onClick={() => nextCursor !== undefined && onNext(nextCursor)}
        disabled={nextCursor === undefined || busy}
      >
        Next
      </button>
    </nav>
  );
}
