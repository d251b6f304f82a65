import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useLogin } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';

/** "in 3 minutes" for a wait the server asked for (Retry-After, in seconds). */
export function waitText(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return 'in a while';
  if (seconds < 90) return `in ${Math.ceil(seconds)} seconds`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

function loginError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 401) return 'That email and password do not match an account. Check them and try again.';
    if (e.status === 429) {
      const wait = (e.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
      return `Too many attempts. Try again ${waitText(wait)}.`;
    }
  }
  return errorMessage(e);
}

/** Sign in with an email and password. */
export function PasswordForm({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const login = useLogin();

  const error = localError ?? (login.isError ? loginError(login.error) : null);
  const errorId = `${id}-error`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    if (address === '' || password === '') {
      setLocalError('Enter your email and password.');
      return;
    }
    setLocalError(null);
    login.mutate({ email: address, password }, { onSuccess: (session) => onSignedIn(session) });
  }

  return (
    <form className="form login-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="login-method">
        With your email
      </h2>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          readOnly={login.isPending}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
          readOnly={login.isPending}
        />
      </div>
      {error !== null ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={login.isPending}>
        {login.isPending ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}
