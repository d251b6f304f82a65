import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useApiKeyLogin } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';

function loginError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401 || e.status === 403) return 'That API key was not accepted. Check it and try again.';
    if (e.status === 429) return 'Too many attempts. Wait a minute, then try again.';
  }
  return errorMessage(e);
}

/** Sign in with an API key (the admin key or a project key). */
export function ApiKeyForm({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const id = useId();
  const [apiKey, setApiKey] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const login = useApiKeyLogin();

  const error = localError ?? (login.isError ? loginError(login.error) : null);
  const errorId = `${id}-error`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const key = apiKey.trim();
    if (key === '') {
      setLocalError('Enter an API key.');
      return;
    }
    setLocalError(null);
    login.mutate({ apiKey: key }, { onSuccess: (session) => onSignedIn(session) });
  }

  return (
    <form className="form login-form" onSubmit={submit} noValidate>
      <h2 id={`${id}-title`} className="login-method">
        With an API key
      </h2>
      <div className="field">
        <label htmlFor={`${id}-key`}>API key</label>
        <input
          id={`${id}-key`}
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : `${id}-hint`}
          readOnly={login.isPending}
        />
        <p id={`${id}-hint`} className="hint">
          The admin key from <code>data/admin-token</code>, or a project key (<code>flk_…</code>).
        </p>
      </div>
      {error !== null ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
