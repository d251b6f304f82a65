import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useAddFeedback } from '../../api/feedback';
import { useToast } from '../../components/toast';

/** Adds one report by hand, as `POST /feedback` does; it is clustered like any other. */
export function AddFeedbackForm() {
  const id = useId();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = useAddFeedback();
  const toast = useToast();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const t = title.trim();
    const b = body.trim();
    if (t === '' && b === '') {
      setError('Write a title or some details.');
      return;
    }
    setError(null);
    add.mutate(
      { title: t, body: b || undefined },
      {
        onSuccess: () => {
          toast.success('Report added. It is clustered in a moment.');
          setTitle('');
          setBody('');
        },
        onError: (e) => setError(errorMessage(e)),
      },
    );
  }

  return (
    <form className="form panel" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Add a report</h2>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          value={title}
          maxLength={1000}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? `${id}-err` : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>Details</label>
        <textarea id={`${id}-body`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      {error !== null ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={add.isPending}>
        {add.isPending ? 'Adding…' : 'Add report'}
      </button>
    </form>
  );
}
