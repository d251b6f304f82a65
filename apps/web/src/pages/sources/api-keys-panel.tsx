import type { CreatedApiKey } from '@fixloop/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../api/api-keys';
import { errorMessage } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';

/** The project's API keys: create one (shown once), list them, revoke one. */
export function ApiKeysPanel() {
  const id = useId();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const toast = useToast();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setError('Name the key, for example after what will use it.');
      return;
    }
    setError(null);
    create.mutate(trimmed, {
      onSuccess: (key) => {
        setCreated(key);
        setName('');
      },
      onError: (e) => setError(errorMessage(e)),
    });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>API keys</h2>
      {created ? (
        <div className="new-key" role="status">
          <p>New key “{created.name}”. Copy it now: it is not shown again.</p>
          <div className="field">
            <label htmlFor={`${id}-new`}>New API key</label>
            <input id={`${id}-new`} readOnly value={created.apiKey} spellCheck={false} />
          </div>
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      {keys.isPending ? <Loading /> : null}
      {keys.isError ? <ErrorState error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      {keys.data && keys.data.length === 0 ? <p className="muted">No project key yet.</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <ul className="plain-list" aria-label="Project keys">
          {keys.data.map((k) => (
            <li key={k.id} className="repo-row">
              <strong>{k.name}</strong> <code className="id">{k.prefix}…</code>{' '}
              <span className="muted">
                created <RelativeTime iso={k.createdAt} />
                {k.lastUsedAt ? (
                  <>
                    , last used <RelativeTime iso={k.lastUsedAt} />
                  </>
                ) : (
                  ', never used'
                )}
              </span>{' '}
              <button
                type="button"
                className="button button-small"
                disabled={revoke.isPending}
                aria-label={`Revoke ${k.name}`}
                onClick={() =>
                  revoke.mutate(k.id, {
                    onSuccess: () => {
                      toast.success(`Key “${k.name}” revoked.`);
                      if (created?.id === k.id) setCreated(null);
                    },
                    onError: (e) => toast.error(`Not revoked: ${errorMessage(e)}`),
                  })
                }
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Key name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error !== null ? `${id}-err` : undefined}
          />
        </div>
        {error !== null ? (
          <p id={`${id}-err`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </form>
    </section>
  );
}
