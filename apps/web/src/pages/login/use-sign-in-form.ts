import { useId, useState } from 'react';

/** The part of a react-query mutation a sign-in form reads. */
interface SignInMutation {
  isError: boolean;
  error: unknown;
}

/**
 * A sign-in form's ids and its one error: the form's own check (`setLocalError`) wins over the
 * server's answer, which `describe` puts in words.
 */
export function useSignInForm(mutation: SignInMutation, describe: (e: unknown) => string) {
  const id = useId();
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ?? (mutation.isError ? describe(mutation.error) : null);
  return { id, errorId: `${id}-error`, error, setLocalError };
}
