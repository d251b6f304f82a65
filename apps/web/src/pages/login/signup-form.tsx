import type { SessionInfo } from '@fixloop/contracts';
import { type FormEvent, useState } from 'react';
import { useSignup } from '../../api/auth';
import { errorMessage, isApiError } from '../../api/client';
import { FormField, SignInFrame } from './form-field';
import { useSignInForm } from './use-sign-in-form';

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
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signup = useSignup();
  const { id, errorId, error, setLocalError } = useSignInForm(signup, signupError);

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
    <SignInFrame
      id={id}
      title="Create an account"
      onSubmit={submit}
      error={error}
      errorId={errorId}
      pending={signup.isPending}
      submitLabel="Create account"
      pendingLabel="Creating your account…"
    >
      <FormField
        id={`${id}-name`}
        label="Name"
        name="name"
        autoComplete="name"
        value={name}
        onChange={setName}
        describedBy={described}
        readOnly={signup.isPending}
      />
      <FormField
        id={`${id}-email`}
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        describedBy={described}
        readOnly={signup.isPending}
      />
      <FormField
        id={`${id}-password`}
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        describedBy={described ?? `${id}-hint`}
        readOnly={signup.isPending}
        hint={`At least ${MIN_PASSWORD} characters.`}
        hintId={`${id}-hint`}
      />
    </SignInFrame>
  );
}
