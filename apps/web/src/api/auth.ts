import type { LoginBody, SessionInfo } from '@fixloop/contracts';
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

export function useApiKeyLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginBody) =>
      apiRequest<SessionInfo>('/auth/login', { method: 'POST', body: credentials }),
    onSuccess: (session) => {
      rememberSignedIn(true);
      queryClient.setQueryData(queryKeys.session, session);
    },
  });
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
