import type { AgentJobStatus, JobLogLine, JobLogPage } from '@fixloop/contracts';
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { jobLogStreamUrl, readJobLog } from '../api/agents';
import { useProjectId } from '../auth/project-context';
import { ErrorState } from './states';

/** Lines kept in the page: an agent can write tens of thousands, the DOM holds the newest. */
export const MAX_LOG_LINES = 2_000;
/** Lines arriving together are drawn together: one render per batch, not per line. */
const FLUSH_MS = 50;
/** EventSource errors in a row (no line in between) before the log is polled instead. */
const MAX_STREAM_ERRORS = 3;
const POLL_MS = 2_000;
/** How close to the bottom counts as "at the bottom" (px): following resumes there. */
const BOTTOM_SLACK = 24;
/** `EventSource.CLOSED`: the browser gave up (an answer that is not a stream), no reconnect. */
const CLOSED = 2;
/** The JSON route's page size (see `readJobLog`). */
const PAGE = 1_000;

/** What the stream's `end` event says. */
export interface LogEnd {
  status?: AgentJobStatus;
  prUrl?: string | null;
}

type Phase = 'reading' | 'live' | 'polling' | 'hidden' | 'ended' | 'failed';

const PHASE_TEXT: Record<Phase, string> = {
  reading: 'Reading the log…',
  live: 'Following the log live.',
  polling: 'The live log is unavailable: checking for new lines every few seconds.',
  hidden: 'Paused while this tab is hidden.',
  ended: 'The job has ended.',
  failed: 'The log could not be read.',
};

function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

interface Lines {
  lines: JobLogLine[];
  /** How many earlier lines were dropped from the page to keep it at {@link MAX_LOG_LINES}. */
  dropped: number;
}

/** The lines in the page, appended in batches, and the id of the last one (where reading resumes). */
function useLineBuffer() {
  const [state, setState] = useState<Lines>({ lines: [], dropped: 0 });
  const after = useRef<string | undefined>(undefined);
  const pending = useRef<JobLogLine[]>([]);
  const timer = useRef<number | undefined>(undefined);

  const flush = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    const batch = pending.current;
    if (batch.length === 0) return;
    pending.current = [];
    setState((s) => {
      const all = s.lines.concat(batch);
      const over = Math.max(0, all.length - MAX_LOG_LINES);
      return { lines: over > 0 ? all.slice(over) : all, dropped: s.dropped + over };
    });
  }, []);

  const append = useCallback(
    (lines: JobLogLine[]) => {
      const last = lines.at(-1);
      if (!last) return;
      after.current = last.id;
      pending.current.push(...lines);
      timer.current ??= window.setTimeout(flush, FLUSH_MS);
    },
    [flush],
  );

  useEffect(() => () => window.clearTimeout(timer.current), []);
  return { ...state, after, append, flush };
}

/**
 * Reads the JSON route from `after()` until the job is done, every {@link POLL_MS} while it runs.
 * Resolves `true` when the job is done, `false` when `signal` stopped it first.
 */
async function pollLog(
  read: (after: string | undefined) => Promise<JobLogPage>,
  after: () => string | undefined,
  onLines: (lines: JobLogLine[]) => void,
  signal: AbortSignal,
): Promise<boolean> {
  for (;;) {
    const page = await read(after());
    if (signal.aborted) return false;
    onLines(page.items);
    if (page.items.length >= PAGE) continue;
    if (page.done) return true;
    await new Promise<void>((resolve) => {
      const wait = window.setTimeout(resolve, POLL_MS);
      signal.addEventListener('abort', () => {
        window.clearTimeout(wait);
        resolve();
      });
    });
    if (signal.aborted) return false;
  }
}

/**
 * Follows the log's event stream: each `line` event, then the `end` event (the stream is closed
 * then). `onGiveUp` when the browser gave up or the stream failed {@link MAX_STREAM_ERRORS} times
 * in a row. Returns the function that closes it.
 */
function streamLog(
  Source: typeof EventSource,
  url: string,
  on: { line: (line: JobLogLine) => void; end: (end: LogEnd | undefined) => void; giveUp: () => void },
): () => void {
  const stream = new Source(url);
  let errors = 0;
  stream.addEventListener('line', (event) => {
    errors = 0;
    on.line(JSON.parse((event as MessageEvent<string>).data) as JobLogLine);
  });
  stream.addEventListener('end', (event) => {
    stream.close();
    let end: LogEnd | undefined;
    try {
      end = JSON.parse((event as MessageEvent<string>).data) as LogEnd;
    } catch {
      end = undefined;
    }
    on.end(end);
  });
  stream.onerror = () => {
    errors++;
    if (stream.readyState === CLOSED || errors >= MAX_STREAM_ERRORS) {
      stream.close();
      on.giveUp();
    }
  };
  return () => stream.close();
}

/**
 * A job's log: the lines so far, then — while `live` and the tab is visible — followed over
 * Server-Sent Events (polling the JSON route when the stream keeps failing). A hidden tab closes
 * the stream; it resumes after the last line seen.
 */
function useJobLog(jobId: string, live: boolean, onEnd: ((end: LogEnd | undefined) => void) | undefined) {
  const pid = useProjectId();
  const visible = useDocumentVisible();
  const buffer = useLineBuffer();
  const { after, append, flush } = buffer;
  const [phase, setPhase] = useState<Phase>('reading');
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const ended = useRef(false);
  const onEndRef = useRef(onEnd);
  useLayoutEffect(() => {
    onEndRef.current = onEnd;
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` restarts reading after an error
  useEffect(() => {
    if (ended.current) return;
    if (live && !visible) {
      setPhase('hidden');
      return;
    }
    const controller = new AbortController();
    const finish = (end?: LogEnd) => {
      ended.current = true;
      flush();
      setPhase('ended');
      if (live) onEndRef.current?.(end);
    };
    const poll = () => {
      pollLog(
        (from) => readJobLog(pid, jobId, from, controller.signal),
        () => after.current,
        append,
        controller.signal,
      )
        .then((done) => done && finish())
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          flush();
          setError(e);
          setPhase('failed');
        });
    };
    const Source = globalThis.EventSource as typeof EventSource | undefined;
    if (!live || Source === undefined) {
      setPhase(live ? 'polling' : 'reading');
      poll();
      return () => controller.abort();
    }
    setPhase('live');
    const close = streamLog(Source, jobLogStreamUrl(pid, jobId, after.current), {
      line: (l) => append([l]),
      end: finish,
      giveUp: () => {
        setPhase('polling');
        poll();
      },
    });
    return () => {
      controller.abort();
      close();
    };
  }, [pid, jobId, live, visible, after, append, flush, attempt]);

  const retry = () => {
    setError(null);
    setAttempt((n) => n + 1);
  };
  return { lines: buffer.lines, dropped: buffer.dropped, phase, error, retry };
}

/** Keeps a scrolling box at its bottom as lines arrive, until the reader scrolls up. */
function useStickToBottom(count: number) {
  const box = useRef<HTMLDivElement>(null);
  const [stuck, setStuck] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new lines (`count`) are what moves the box
  useLayoutEffect(() => {
    const el = box.current;
    if (stuck && el) el.scrollTop = el.scrollHeight;
  }, [count, stuck]);
  const onScroll = () => {
    const el = box.current;
    if (el) setStuck(el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK);
  };
  return { box, stuck, onScroll, resume: () => setStuck(true) };
}

export interface JobLogProps {
  jobId: string;
  /** Whether the job can still write lines (queued or running): the log is then followed. */
  live: boolean;
  /** Called once when a followed log ends, with what the stream's `end` event said. */
  onEnd?: (end: LogEnd | undefined) => void;
  /** The log area's accessible name. */
  label?: string;
}

function JobLogView({ jobId, live, onEnd, label = 'Agent log' }: JobLogProps) {
  const log = useJobLog(jobId, live, onEnd);
  const { box, stuck, onScroll, resume } = useStickToBottom(log.lines.length + log.dropped);
  const empty = log.lines.length === 0;
  return (
    <div className="job-log">
      <p className="job-log-status hint" role="status">
        {PHASE_TEXT[log.phase]}
        {log.dropped > 0 ? ` ${log.dropped.toLocaleString('en')} earlier lines are not shown.` : ''}
      </p>
      {log.error ? (
        <ErrorState error={log.error} onRetry={log.retry} title="Could not read the log." />
      ) : null}
      <div
        ref={box}
        className="job-log-lines"
        role="log"
        aria-label={label}
        aria-live="off"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard
        tabIndex={0}
        onScroll={onScroll}
      >
        {empty && log.phase !== 'failed' ? (
          <p className="job-log-empty">{log.phase === 'ended' ? 'No log lines.' : 'Waiting for output…'}</p>
        ) : null}
        {log.lines.map((l, i) => (
          <Fragment key={l.id}>
            {i === 0 || log.lines[i - 1]?.step !== l.step ? <div className="log-step">{l.step}</div> : null}
            <div className={`log-line log-${l.stream}`}>
              {l.stream === 'stderr' ? <span className="visually-hidden">error output: </span> : null}
              <span className="log-text">{l.line}</span>
            </div>
          </Fragment>
        ))}
      </div>
      {!stuck ? (
        <button type="button" className="button button-small job-log-latest" onClick={resume}>
          Jump to the latest line
        </button>
      ) : null}
    </div>
  );
}

/** A job's log in a scrolling monospace box; a new `jobId` starts a new log. */
export function JobLog(props: JobLogProps) {
  return <JobLogView key={props.jobId} {...props} />;
}
