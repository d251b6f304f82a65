import type { Overview } from '@fixloop/contracts';
import { useQuery } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import { queryKeys } from './keys';

/**
 * The project's overview. The Overview page polls it; other readers (the first-run check) pass
 * `poll: false` and share the same cached answer.
 */
export function useOverview({ poll = true, enabled = true }: { poll?: boolean; enabled?: boolean } = {}) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.overview(pid),
    queryFn: ({ signal }) => apiRequest<Overview>(projectPath(pid, '/overview'), { signal }),
    refetchInterval: poll ? 60_000 : false,
    refetchIntervalInBackground: false,
    enabled,
  });
}
