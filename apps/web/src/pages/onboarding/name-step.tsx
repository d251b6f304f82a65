import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useRenameProject } from '../../api/projects';
import { useToast } from '../../components/toast';
import { StepHeading } from './setup-steps';

/** Step 1: the project's name, prefilled; an unchanged name is not sent again. */
export function NameStep({ currentName, onDone }: { currentName: string; onDone: () => void }) {
  const id = useId();
  const rename = useRenameProject();
  const toast = useToast();
  const [name, setName] = useState(currentName);
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!/[A-Za-z0-9]/.test(trimmed)) {
      setError('Give the project a name with at least one letter or digit.');
      return;
    }
    setError(null);
    if (trimmed === currentName) {
      onDone();
      return;
    }
    rename.mutate(trimmed, {
      onSuccess: (project) => {
        toast.success(`Project renamed to “${project.name}”.`);
        onDone();
      },
      onError: (e) => setError(errorMessage(e)),
    });
  }

  return (
    <>
      <StepHeading id={`${id}-h`}>Step 1 of 3: Name the project</StepHeading>
      <p className="muted">The name shows in the project switcher and on every page.</p>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Project name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error !== null ? `${id}-err` : undefined}
          />
          {error !== null ? (
            <p id={`${id}-err`} className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={rename.isPending}>
            {rename.isPending ? 'Saving…' : 'Continue'}
          </button>
        </div>
      </form>
    </>
  );
}
