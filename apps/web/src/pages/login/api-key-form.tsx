import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useState } from 'react';
import { useApiKeyLogin } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';
import { FormField, SignInFrame } from './form-field';
import { useSignInForm } from './use-sign-in-form';

function loginError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401 || e.status === 403) return 'That API key was not accepted. Check it and try again.';
    if (e.status === 429) return 'Too many attempts. Wait a minute, then try again.';
  }
  return errorMessage(e);
}

/** Sign in with an API key (the admin key or a project key). */
export function ApiKeyForm({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const [apiKey, setApiKey] = useState('');
  const login = useApiKeyLogin();
  const { id, errorId, error, setLocalError } = useSignInForm(login, loginError);

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
    <SignInFrame
      id={id}
      title="With an API key"
      named={false}
      onSubmit={submit}
      error={error}
      errorId={errorId}
      pending={login.isPending}
      submitLabel="Sign in"
      pendingLabel="Signing in…"
    >
      <FormField
        id={`${id}-key`}
        label="API key"
        name="apiKey"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={apiKey}
        onChange={setApiKey}
        invalid={error !== null}
        describedBy={error !== null ? errorId : `${id}-hint`}
        readOnly={login.isPending}
        hint={
          <>
            The admin key from <code>data/admin-token</code>, or a project key (<code>flk_…</code>).
          </>
        }
        hintId={`${id}-hint`}
      />
    </SignInFrame>
  );
}
