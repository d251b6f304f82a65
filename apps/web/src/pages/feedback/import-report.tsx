import { useEffect, useMemo, useRef } from 'react';
import { errorMessage } from '../../api/client';
import { type ImportTally, problemsToShow, type RunEnd } from './import-batches';
import { type FileRow, formatCount, type ParsedFile } from './import-rows';

/** Problem rows listed at most; the counts above the table always cover every row. */
export const PROBLEMS_SHOWN = 200;

const TITLES: Record<RunEnd['kind'], string> = {
  done: 'Import finished',
  cancelled: 'Import cancelled',
  failed: 'Import stopped',
};

/** How the import ended, its counts, and the rows not imported with their row numbers in the file. */
export function ImportResultView({
  end,
  tally,
  file,
  batches,
  onResume,
  onDone,
}: {
  end: RunEnd;
  tally: ImportTally;
  file: ParsedFile;
  batches: FileRow[][];
  onResume: (batch: number) => void;
  onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { shown, more } = useMemo(() => problemsToShow(tally.problems, PROBLEMS_SHOWN), [tally.problems]);
  const unit = file.rowLabel.toLowerCase();
  const failedAt = end.kind === 'failed' ? batches[end.batch]?.[0]?.row : undefined;

  useEffect(() => heading.current?.focus(), []);

  return (
    <div className="import-result">
      <h3 ref={heading} tabIndex={-1}>
        {TITLES[end.kind]}
      </h3>
      {end.kind === 'cancelled' ? (
        <p>
          Cancelled after {formatCount(tally.sent)} of {formatCount(file.rows.length)} rows. Rows already sent
          stay imported; the batch on its way when you cancelled may have been stored too.
        </p>
      ) : null}
      {end.kind === 'failed' ? (
        <div role="alert">
          <p>
            The batch from {unit} {failedAt} on failed: {errorMessage(end.error)} The rows before it are
            imported; nothing after it was sent.
          </p>
          <button type="button" className="button" onClick={() => onResume(end.batch)}>
            Try again from {unit} {failedAt}
          </button>
        </div>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Created</dt>
          <dd>{formatCount(tally.created)}</dd>
        </div>
        <div>
          <dt>Duplicates</dt>
          <dd>{formatCount(tally.duplicates)}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd>{formatCount(tally.rejected)}</dd>
        </div>
        <div>
          <dt>Unreadable, not sent</dt>
          <dd>{formatCount(tally.unreadable)}</dd>
        </div>
      </dl>
      {shown.length > 0 ? (
        <div className="import-problems">
          <table className="table">
            <caption>Rows not imported</caption>
            <thead>
              <tr>
                <th scope="col">{file.rowLabel}</th>
                <th scope="col">Report</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr key={p.row}>
                  <td data-label={file.rowLabel} className="num">
                    {formatCount(p.row)}
                  </td>
                  <td data-label="Report">{p.preview || <span className="muted">(empty)</span>}</td>
                  <td data-label="Reason">{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {more > 0 ? (
            <p className="muted">
              And {formatCount(more)} more {more === 1 ? 'row' : 'rows'} not imported, not listed here.
            </p>
          ) : null}
        </div>
      ) : end.kind === 'done' ? (
        <p>Every row of the file was read and accepted.</p>
      ) : null}
      <button type="button" className="button" onClick={onDone}>
        Import another file
      </button>
    </div>
  );
}
