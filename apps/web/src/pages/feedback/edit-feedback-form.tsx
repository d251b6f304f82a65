import type { FeedbackItem, FeedbackStatus } from '@fixloop/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { FeedbackEdit } from '../../api/feedback';

// The contracts' TITLE_MAX and BODY_MAX: importing values from contracts would bundle zod.
const TITLE_MAX = 1_000;
const BODY_MAX = 200_000;

/** The fields of `edit` that differ from `item` (trimmed as the server stores them). */
export function changesOf(
  item: FeedbackItem,
  title: string,
  body: string,
  status: FeedbackStatus,
): FeedbackEdit {
  const edit: FeedbackEdit = {};
  if (title.trim() !== item.title) edit.title = title.trim();
  if (body.trim() !== item.body) edit.body = body.trim();
  if (status !== item.status) edit.status = status;
  return edit;
}

/**
 * Edits one report in place. Save hands over only the changed fields; Escape or Cancel closes it
 * (the caller puts focus back on the Edit button).
 */
export function EditFeedbackForm({
  item,
  onSave,
  onCancel,
}: {
  item: FeedbackItem;
  onSave: (edit: FeedbackEdit) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [title, setTitle] = useState(item.title);
  const [body, setBody] = useState(item.body);
  const [status, setStatus] = useState<FeedbackStatus>(item.status);
  const [error, setError] = useState<string | null>(null);
  const titleInput = useRef<HTMLInputElement>(null);

  useEffect(() => titleInput.current?.focus(), []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (title.trim() === '' && body.trim() === '') {
      setError('A report needs a title or some details.');
      titleInput.current?.focus();
      return;
    }
    const edit = changesOf(item, title, body, status);
    if (Object.keys(edit).length === 0) onCancel();
    else onSave(edit);
  }

  const describedBy = `${id}-hint${error !== null ? ` ${id}-err` : ''}`;
  return (
    <form
      className="feedback-edit"
      onSubmit={submit}
      noValidate
      aria-label="Edit report"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          ref={titleInput}
          id={`${id}-title`}
          value={title}
          maxLength={TITLE_MAX}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={describedBy}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>Details</label>
        <textarea
          id={`${id}-body`}
          rows={4}
          value={body}
          maxLength={BODY_MAX}
          onChange={(e) => setBody(e.target.value)}
          aria-describedby={describedBy}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(e) => setStatus(e.target.value as FeedbackStatus)}
        >
          <option value="open">Open</option>
          <option value="closed">Closed</option>
        </select>
      </div>
      <p id={`${id}-hint`} className="hint">
        Changing the title or details sends the report back to clustering: it may move to another cluster.
      </p>
      {error !== null ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary">
          Save
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
