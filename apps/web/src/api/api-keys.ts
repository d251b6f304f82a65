import type { ApiKeyInfo, CreatedApiKey } from '@fixloop/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import type { Page } from './clusters';
import { queryKeys } from './keys';

/** The project's API keys: names, prefixes and dates, never the keys themselves. */
export function useApiKeys() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.apiKeys(pid),
    queryFn: ({ signal }) => apiRequest<Page<ApiKeyInfo>>(projectPath(pid, '/api-keys'), { signal }),
    select: (page) => page.items,
  });
}

/** Creates a key; the answer is the only time the key itself is shown. */
export function useCreateApiKey() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      apiRequest<CreatedApiKey>(projectPath(pid, '/api-keys'), { method: 'POST', body: { name } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(pid) }),
  });
}

export function useRevokeApiKey() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      apiRequest<void>(projectPath(pid, `/api-keys/${encodeURIComponent(keyId)}`), { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(pid) }),
  });
}
