import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { rememberSignedIn } from './api/auth';
import { isApiError } from './api/client';
import { queryKeys } from './api/keys';

/**
 * The app's query client. A 401 anywhere means the session ended (expired, signed out in another
 * tab): the session becomes `null` and the app shows the sign-in page. Client errors are not retried.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: signOutOn401 }),
    mutationCache: new MutationCache({ onError: signOutOn401 }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) =>
          failures < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
  function signOutOn401(error: unknown): void {
    if (isApiError(error) && error.status === 401 && client.getQueryData(queryKeys.session)) {
      rememberSignedIn(false);
      client.setQueryData(queryKeys.session, null);
    }
  }
  return client;
}
