import type { Overview } from '@fixloop/contracts';
import { useQuery } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import { queryKeys } from './keys';

export function useOverview() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.overview(pid),
    queryFn: ({ signal }) => apiRequest<Overview>(projectPath(pid, '/overview'), { signal }),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });
}
