import { type ChangeEvent, useEffect, useId, useRef, useState } from 'react';
import { useImportFeedback } from '../../api/feedback';
import { Loading } from '../../components/states';
import {
  addBatchResult,
  type BatchLimits,
  DEFAULT_BATCH_LIMITS,
  type ImportTally,
  planBatches,
  type RunEnd,
  runImport,
  startTally,
} from './import-batches';
import { ImportResultView } from './import-report';
import { type FileRow, formatCount, MAX_FILE_BYTES, MAX_FILE_ROWS, type ParsedFile } from './import-rows';

interface Loaded {
  name: string;
  file: ParsedFile;
  batches: FileRow[][];
}

type Stage =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string }
  | { kind: 'invalid'; name: string; error: string }
  | ({ kind: 'ready' } & Loaded)
  | ({ kind: 'running' } & Loaded)
  | ({ kind: 'ended'; end: RunEnd } & Loaded);

const FORMAT_NAMES = { csv: 'CSV', ndjson: 'NDJSON', json: 'JSON' } as const;

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

function readySummary({ name, file }: Loaded): string {
  const unreadable =
    file.problems.length > 0
      ? ` ${plural(file.problems.length, 'row cannot', 'rows cannot')} be read and will not be sent.`
      : '';
  return `${name}: ${FORMAT_NAMES[file.format]}, ${plural(file.rows.length, 'report', 'reports')} to import.${unreadable}`;
}

/** The progress bar of a running import, with Cancel (focused, so Enter or Space cancels at once). */
function ImportProgress({ sent, total, onCancel }: { sent: number; total: number; onCancel: () => void }) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="import-progress">
      <label htmlFor={`${id}-progress`}>
        Imported {formatCount(sent)} of {formatCount(total)} rows
      </label>
      <progress id={`${id}-progress`} value={sent} max={total} />
      <button ref={cancel} type="button" className="button" onClick={onCancel}>
        Cancel import
      </button>
      <p className="hint">
        Cancel stops the batches not yet sent; rows already sent stay imported. Keep this page open until the
        import ends.
      </p>
    </div>
  );
}

/**
 * Imports a file of reports: read and checked in the browser, then sent in batches to
 * `POST /feedback/import`, with progress, Cancel and a per-row report at the end.
 */
export function ImportPanel({
  batchLimits = DEFAULT_BATCH_LIMITS,
  maxRows = MAX_FILE_ROWS,
}: {
  batchLimits?: BatchLimits;
  maxRows?: number;
}) {
  const id = useId();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [tally, setTally] = useState<ImportTally | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const { send, refresh } = useImportFeedback();
  const running = useRef<AbortController | null>(null);
  const chosen = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);

  // Leaving the page cancels the import: nothing would show its progress or report.
  useEffect(
    () => () => {
      running.current?.abort();
      running.current = null;
    },
    [],
  );

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    const token = ++chosen.current;
    setTally(null);
    if (!file) {
      setStage({ kind: 'idle' });
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setStage({
        kind: 'invalid',
        name: file.name,
        error: `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
      });
      return;
    }
    setStage({ kind: 'reading', name: file.name });
    let text: string;
    let parser: typeof import('./import-file');
    try {
      // The parsers (with Papa Parse) load only once a file is chosen: they are not in the first load.
      [text, parser] = await Promise.all([file.text(), import('./import-file')]);
    } catch {
      if (token === chosen.current) {
        setStage({ kind: 'invalid', name: file.name, error: 'The file could not be read. Try again.' });
      }
      return;
    }
    if (token !== chosen.current) return;
    const outcome = parser.parseImportFile(file.name, text, { maxRows });
    if (!outcome.ok) {
      setStage({ kind: 'invalid', name: file.name, error: outcome.error });
      return;
    }
    setStage({
      kind: 'ready',
      name: file.name,
      file: outcome.file,
      batches: planBatches(outcome.file.rows, batchLimits),
    });
  }

  async function start(loaded: Loaded, from: number) {
    const controller = new AbortController();
    running.current = controller;
    if (from === 0) setTally(startTally(loaded.file));
    setStage({ ...loaded, kind: 'running' });
    const end = await runImport({
      batches: loaded.batches,
      from,
      send,
      signal: controller.signal,
      onBatch: (i, result) => setTally((t) => t && addBatchResult(t, loaded.batches[i] ?? [], result)),
    });
    void refresh();
    if (running.current !== controller) return;
    running.current = null;
    setStage({ ...loaded, kind: 'ended', end });
  }

  function reset() {
    chosen.current++;
    setStage({ kind: 'idle' });
    setTally(null);
    setInputKey((k) => k + 1);
    // The input is new (a fresh `key` clears the chosen file); focus it once it is there.
    requestAnimationFrame(() => fileInput.current?.focus());
  }

  const invalid = stage.kind === 'invalid';
  return (
    <section className="form panel feedback-import" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Import a file</h2>
      <div className="field">
        <label htmlFor={`${id}-file`}>File of reports</label>
        <input
          key={inputKey}
          ref={fileInput}
          id={`${id}-file`}
          type="file"
          accept=".json,.ndjson,.jsonl,.csv"
          disabled={stage.kind === 'running'}
          onChange={(e) => void choose(e)}
          aria-invalid={invalid}
          aria-describedby={`${id}-hint${invalid ? ` ${id}-err` : ''}`}
        />
        <p id={`${id}-hint`} className="hint">
          CSV with a header row (title, body, source, external_id, url, author, created_at, status; other
          columns are kept as metadata), NDJSON/JSONL with one report per line, or a JSON array. Give rows an
          external_id so importing the same file again skips them as duplicates.
        </p>
      </div>
      {stage.kind === 'reading' ? <Loading label={`Reading ${stage.name}…`} /> : null}
      {invalid ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          {stage.name}: {stage.error} Nothing was sent.
        </p>
      ) : null}
      <p role="status" className={stage.kind === 'ready' ? undefined : 'visually-hidden'}>
        {stage.kind === 'ready' ? readySummary(stage) : null}
      </p>
      {stage.kind === 'ready' ? (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => void start(stage, 0)}>
            Import {plural(stage.file.rows.length, 'report', 'reports')}
          </button>
          <button type="button" className="button" onClick={reset}>
            Choose another file
          </button>
        </div>
      ) : null}
      {stage.kind === 'running' && tally ? (
        <ImportProgress
          sent={tally.sent}
          total={stage.file.rows.length}
          onCancel={() => running.current?.abort()}
        />
      ) : null}
      {stage.kind === 'ended' && tally ? (
        <ImportResultView
          end={stage.end}
          tally={tally}
          file={stage.file}
          batches={stage.batches}
          onResume={(batch) => void start(stage, batch)}
          onDone={reset}
        />
      ) : null}
    </section>
  );
}
