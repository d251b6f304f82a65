import type { FeedbackItem } from '@fixloop/contracts';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { type FeedbackEdit, useDeleteFeedback, useUpdateFeedback } from '../../api/feedback';
import { SourceBadge } from '../../components/badges';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';
import { EditFeedbackForm } from './edit-feedback-form';

/** Columns of the feedback table, for the edit form's cell to span them all. */
export const FEEDBACK_COLUMNS = 6;

type Mode = 'view' | 'edit' | 'confirm-delete';

export function reportTitle(item: FeedbackItem): string {
  return item.title || item.body.slice(0, 80) || 'Untitled report';
}

/** `text` ending with a full stop, so a server message can be followed by another sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Where focus goes when a row disappears: the Edit button of the next row, else of the previous
 * one, else `fallback` (the list).
 */
function focusNeighbourOf(element: HTMLElement, fallback: () => void): void {
  const row = element.closest('tr');
  const neighbour = row?.nextElementSibling ?? row?.previousElementSibling;
  const edit = neighbour?.querySelector<HTMLButtonElement>('button[data-action="edit"]');
  if (edit) edit.focus();
  else fallback();
}

/** One report with Edit (inline form) and Delete (inline confirmation), both optimistic. */
export function FeedbackRow({ item, onRemoved }: { item: FeedbackItem; onRemoved: () => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const returnFocus = useRef<'edit' | 'delete' | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const update = useUpdateFeedback();
  const remove = useDeleteFeedback();
  const toast = useToast();
  const title = reportTitle(item);

  useEffect(() => {
    if (mode === 'confirm-delete') keepButton.current?.focus();
    if (mode !== 'view' || returnFocus.current === null) return;
    (returnFocus.current === 'edit' ? editButton : deleteButton).current?.focus();
    returnFocus.current = null;
  }, [mode]);

  function close(focus: 'edit' | 'delete') {
    returnFocus.current = focus;
    setMode('view');
  }

  function save(edit: FeedbackEdit) {
    close('edit');
    const textChanged = edit.title !== undefined || edit.body !== undefined;
    void update.mutateAsync({ id: item.id, edit }).then(
      (saved) =>
        toast.success(
          textChanged && saved.status === 'open'
            ? 'Report saved. It goes back to clustering in a moment.'
            : 'Report saved.',
        ),
      (e: unknown) => toast.error(`Not saved: ${sentence(errorMessage(e))} The report is back as it was.`),
    );
  }

  function confirmDelete(button: HTMLElement) {
    focusNeighbourOf(button, onRemoved);
    void remove.mutateAsync(item.id).then(
      (outcome) =>
        toast.success(outcome === 'deleted' ? `Deleted “${title}”.` : `“${title}” was already deleted.`),
      (e: unknown) =>
        toast.error(`Not deleted: ${sentence(errorMessage(e))} The report is back in the list.`),
    );
  }

  function cancelOnEscape(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close('delete');
  }

  if (mode === 'edit') {
    return (
      <tr className="feedback-editing">
        <td colSpan={FEEDBACK_COLUMNS}>
          <EditFeedbackForm item={item} onSave={save} onCancel={() => close('edit')} />
        </td>
      </tr>
    );
  }

  return (
    <tr>
      <td data-label="Report" className="cell-title">
        {item.url && /^https?:\/\//.test(item.url) ? (
          <a href={item.url} target="_blank" rel="noopener noreferrer">
            {title}
          </a>
        ) : (
          title
        )}
        <div className="muted">
          <code className="id">{item.id}</code>
        </div>
      </td>
      <td data-label="Source">
        <SourceBadge source={item.source} />
      </td>
      <td data-label="Status">
        {item.status}
        {item.held ? (
          <span
            className="badge badge-held"
            title="Over this month's plan limit: stored, clustered once the plan or the month allows"
          >
            {' '}
            held
          </span>
        ) : null}
      </td>
      <td data-label="Cluster">
        {item.clusterId ? (
          <Link to={`/clusters/${encodeURIComponent(item.clusterId)}`}>Open cluster</Link>
        ) : (
          <span className="muted">waiting</span>
        )}
      </td>
      <td data-label="Created">
        <RelativeTime iso={item.createdAt} />
      </td>
      <td className="feedback-actions">
        {mode === 'confirm-delete' ? (
          <fieldset className="feedback-confirm" onKeyDown={cancelOnEscape}>
            <legend>Delete “{title}”? This cannot be undone.</legend>
            <button
              type="button"
              className="button button-small feedback-danger"
              onClick={(e) => confirmDelete(e.currentTarget)}
            >
              Delete report
            </button>
            <button
              ref={keepButton}
              type="button"
              className="button button-small"
              onClick={() => close('delete')}
            >
              Keep
            </button>
          </fieldset>
        ) : (
          <div className="actions">
            <button
              ref={editButton}
              type="button"
              className="button button-small"
              data-action="edit"
              aria-label={`Edit ${title}`}
              onClick={() => setMode('edit')}
            >
              Edit
            </button>
            <button
              ref={deleteButton}
              type="button"
              className="button button-small"
              aria-label={`Delete ${title}`}
              onClick={() => setMode('confirm-delete')}
            >
              Delete
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
