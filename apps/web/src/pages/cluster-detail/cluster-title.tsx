import { type FormEvent, useEffect, useRef, useState } from 'react';

/** The cluster's title as a heading, edited in place: Enter saves, Escape cancels. */
export function ClusterTitle({
  title,
  onRename,
  busy,
}: {
  title: string;
  onRename: (title: string) => void;
  busy: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (returnFocus.current) {
      returnFocus.current = false;
      editButton.current?.focus();
    }
  }, [editing]);

  function close() {
    returnFocus.current = true;
    setEditing(false);
    setError(null);
  }

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = draft.trim();
    if (next === '') {
      setError('A title cannot be empty.');
      return;
    }
    if (next.length > 500) {
      setError('At most 500 characters.');
      return;
    }
    if (next !== title) onRename(next);
    close();
  }

  if (!editing) {
    return (
      <div className="title-row">
        <h1 id="cluster-heading">{title || 'Untitled cluster'}</h1>
        <button
          ref={editButton}
          type="button"
          className="button button-quiet"
          disabled={busy}
          onClick={() => {
            setDraft(title);
            setEditing(true);
          }}
        >
          Rename
        </button>
      </div>
    );
  }
  return (
    <form className="title-edit" onSubmit={save}>
      <h1 id="cluster-heading" className="visually-hidden">
        {title}
      </h1>
      <label htmlFor="cluster-title-input" className="visually-hidden">
        Cluster title
      </label>
      <input
        ref={input}
        id="cluster-title-input"
        className="title-input"
        value={draft}
        maxLength={500}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            close();
          }
        }}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? 'cluster-title-error' : undefined}
      />
      <button type="submit" className="button button-primary">
        Save
      </button>
      <button type="button" className="button" onClick={close}>
        Cancel
      </button>
      {error !== null ? (
        <p id="cluster-title-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
