import type { AuthOptions, LoginBody, SessionInfo, SignupBody } from '@fixloop/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest } from './client';
import { queryKeys } from './keys';

// The session cookie is httpOnly, so the page cannot see it. This flag remembers whether this browser
// may hold one: without it there is no point asking /auth/me, whose 401 browsers log as a console error.
const SIGNED_IN_HINT = 'fixloop.signedIn';

function mayBeSignedIn(): boolean {
  try {
    return window.localStorage.getItem(SIGNED_IN_HINT) === '1';
  } catch {
    return true;
  }
}

export function rememberSignedIn(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(SIGNED_IN_HINT, '1');
    else window.localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // storage disabled: /auth/me is then always asked
  }
}

/** The signed-in session, or `null` when signed out (a 401 is an answer here, not an error). */
export async function fetchSession(): Promise<SessionInfo | null> {
  if (!mayBeSignedIn()) return null;
  try {
    return await apiRequest<SessionInfo>('/auth/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      rememberSignedIn(false);
      return null;
    }
    throw e;
  }
}

export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: fetchSession, staleTime: 5 * 60_000 });
}

/** Sign-in methods the server offers now; kept here (not under a project) as it needs no session. */
export const authOptionsKey = ['auth-options'] as const;

export function useAuthOptions() {
  return useQuery({
    queryKey: authOptionsKey,
    queryFn: ({ signal }) => apiRequest<AuthOptions>('/auth/options', { signal }),
    staleTime: 60_000,
  });
}

/** A mutation that opens a session: on success the browser is signed in and the session is known. */
function useSessionMutation<T>(path: string, toBody: (input: T) => unknown) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: T) => apiRequest<SessionInfo>(path, { method: 'POST', body: toBody(input) }),
    onSuccess: (session) => {
      rememberSignedIn(true);
      queryClient.setQueryData(queryKeys.session, session);
    },
  });
}

/** Sign-in with credentials: an API key, or an email and password. */
export function useLogin() {
  return useSessionMutation<LoginBody>('/auth/login', (credentials) => credentials);
}

/** Sign-in with an API key (the admin key or a project key). */
export function useApiKeyLogin() {
  return useLogin();
}

/** Makes an account (when the server allows it) and signs in. */
export function useSignup() {
  return useSessionMutation<SignupBody>('/auth/signup', (body) => body);
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<void>('/auth/logout', { method: 'POST' }),
    onSettled: () => {
      // Signed out either way as far as this tab is concerned: drop every project's cached data.
      rememberSignedIn(false);
      queryClient.removeQueries({ queryKey: ['project'] });
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}
