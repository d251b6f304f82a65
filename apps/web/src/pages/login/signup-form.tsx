import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useSignup } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';

const MIN_PASSWORD = 10;

function signupError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 409) return 'An account with this email exists. Sign in instead.';
    if (e.status === 403) return 'Sign-up is closed on this server. Ask its admin for access.';
    if (e.status === 422) return e.issues[0]?.message ?? e.message;
  }
  return errorMessage(e);
}

/** Make an account: offered only while the server accepts sign-ups. */
export function SignupForm({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const signup = useSignup();

  const error = localError ?? (signup.isError ? signupError(signup.error) : null);
  const errorId = `${id}-error`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() === '' || email.trim() === '') {
      setLocalError('Enter your name and email.');
      return;
    }
    if (password.length < MIN_PASSWORD) {
      setLocalError(`Choose a password of at least ${MIN_PASSWORD} characters.`);
      return;
    }
    setLocalError(null);
    signup.mutate(
      { name: name.trim(), email: email.trim(), password },
      { onSuccess: (session) => onSignedIn(session) },
    );
  }

  const described = error !== null ? errorId : undefined;
  return (
    <form className="form login-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="login-method">
        Create an account
      </h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby={described}
          readOnly={signup.isPending}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-describedby={described}
          readOnly={signup.isPending}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={described ?? `${id}-hint`}
          readOnly={signup.isPending}
        />
        <p id={`${id}-hint`} className="hint">
          At least {MIN_PASSWORD} characters.
        </p>
      </div>
      {error !== null ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={signup.isPending}>
        {signup.isPending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
