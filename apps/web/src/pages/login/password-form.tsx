import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useState } from 'react';
import { useLogin } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';
import { FormField, SignInFrame } from './form-field';
import { useSignInForm } from './use-sign-in-form';

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
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const { id, errorId, error, setLocalError } = useSignInForm(login, loginError);

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

  const field = {
    invalid: error !== null,
    describedBy: error !== null ? errorId : undefined,
    readOnly: login.isPending,
  };
  return (
    <SignInFrame
      id={id}
      title="With your email"
      onSubmit={submit}
      error={error}
      errorId={errorId}
      pending={login.isPending}
      submitLabel="Continue"
      pendingLabel="Checking…"
    >
      <FormField
        {...field}
        id={`${id}-email`}
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={setEmail}
      />
      <FormField
        {...field}
        id={`${id}-password`}
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
    </SignInFrame>
  );
}
