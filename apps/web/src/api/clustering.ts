import type { ClusteringStatus, ClusterJob } from '@fixloop/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import type { Page } from './clusters';
import { queryKeys } from './keys';

const BUSY_POLL_MS = 3_000;
const IDLE_POLL_MS = 30_000;

function busy(status: ClusteringStatus | undefined): boolean {
  return status !== undefined && (status.isClustering || status.pendingCount > 0);
}

/**
 * Whether clustering is running or waiting. Polled while the tab is visible only (TanStack Query
 * pauses intervals in hidden tabs), quickly while a run is under way.
 */
export function useClusteringStatus() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.clusteringStatus(pid),
    queryFn: ({ signal }) => apiRequest<ClusteringStatus>(projectPath(pid, '/clustering/status'), { signal }),
    refetchInterval: (query) => (busy(query.state.data) ? BUSY_POLL_MS : IDLE_POLL_MS),
    refetchIntervalInBackground: false,
  });
}

export function useClusterJobs(cursor: string | undefined) {
  const pid = useProjectId();
  const params = { cursor, limit: 25 };
  return useQuery({
    queryKey: queryKeys.clusterJobs(pid, params),
    queryFn: ({ signal }) =>
      apiRequest<Page<ClusterJob>>(projectPath(pid, '/cluster-jobs'), { query: params, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.status === 'pending' || j.status === 'running')
        ? BUSY_POLL_MS
        : false,
    refetchIntervalInBackground: false,
  });
}

export function useStartClustering() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<ClusterJob>(projectPath(pid, '/cluster-jobs'), { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.clustering(pid) }),
  });
}

export function useRecluster() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<ClusterJob>(projectPath(pid, '/clusters/recluster'), { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.clustering(pid) }),
  });
}
