import { type FormEvent, useId, useState } from 'react';
import { errorMessage, isApiError } from '../../api/client';
import { useMoveIntoCluster } from '../../api/clusters';
import { useToast } from '../../components/toast';

/** Feedback ids pasted in any layout: split on whitespace and commas, duplicates dropped. */
export function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
}

function moveError(e: unknown): string {
  if (isApiError(e) && e.status === 409) {
    return 'Some of these reports have not been clustered yet. Try again once the running clustering job is over.';
  }
  if (isApiError(e) && e.status === 404) return `Not found: ${e.message}`;
  return errorMessage(e);
}

/** Move reports, by feedback id, from wherever they are into this cluster. */
export function MoveItemsForm({ clusterId }: { clusterId: string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const move = useMoveIntoCluster(clusterId);
  const toast = useToast();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ids = parseIds(text);
    if (ids.length === 0) {
      setError('Paste one or more feedback ids.');
      return;
    }
    setError(null);
    move.mutate(ids, {
      onSuccess: () => {
        toast.success(`Moved ${ids.length} ${ids.length === 1 ? 'report' : 'reports'} into this cluster.`);
        setText('');
      },
      onError: (e) => setError(moveError(e)),
    });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-ids`}>Feedback ids</label>
        <textarea
          id={`${id}-ids`}
          rows={2}
          value={text}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? `${id}-error` : `${id}-hint`}
        />
        <p id={`${id}-hint`} className="hint">
          One or more ids, separated by spaces, commas or new lines (from Feedback or Outliers).
        </p>
      </div>
      {error !== null ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={move.isPending}>
        {move.isPending ? 'Moving…' : 'Move into this cluster'}
      </button>
    </form>
  );
}
