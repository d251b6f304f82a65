import type {
  Cluster,
  ClusterDetail,
  ClusterMap,
  ClusterPatch,
  ClusterSort,
  ClusterStatus,
  HistoryEntry,
} from '@fixloop/contracts';
import {
  keepPreviousData,
  type QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import { queryKeys } from './keys';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ClusterListParams {
  sort: ClusterSort;
  status?: ClusterStatus | undefined;
  q?: string | undefined;
  minSize?: number | undefined;
  maxSize?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  [key: string]: string | number | undefined;
}

export function useClusterList(params: ClusterListParams) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.clusterList(pid, params),
    queryFn: ({ signal }) =>
      apiRequest<Page<Cluster>>(projectPath(pid, '/clusters'), { query: params, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCluster(id: string) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.cluster(pid, id),
    queryFn: ({ signal }) =>
      apiRequest<ClusterDetail>(projectPath(pid, `/clusters/${encodeURIComponent(id)}`), { signal }),
  });
}

export function useClusterHistory(id: string) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.clusterHistory(pid, id),
    queryFn: ({ signal }) =>
      apiRequest<Page<HistoryEntry>>(projectPath(pid, `/clusters/${encodeURIComponent(id)}/history`), {
        signal,
      }),
  });
}

/** Clusters whose title, summary or terms contain `q`, outliers included (for merge pickers). */
export function useClusterSearch(q: string) {
  const pid = useProjectId();
  const term = q.trim();
  return useQuery({
    queryKey: queryKeys.clusterSearch(pid, term),
    queryFn: ({ signal }) =>
      apiRequest<Page<Cluster>>(projectPath(pid, '/clusters'), {
        query: { q: term, minSize: 1, sort: 'size', limit: 20 },
        signal,
      }),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
  });
}

/** The cluster map; `withOutliers` adds the clusters of one report. */
export function useClusterMap(withOutliers: boolean) {
  const pid = useProjectId();
  return useQuery({
    queryKey: [...queryKeys.clusterMap(pid), withOutliers],
    queryFn: ({ signal }) =>
      apiRequest<ClusterMap>(projectPath(pid, '/clusters/map'), {
        query: { minSize: withOutliers ? 1 : undefined },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

function patchListCaches(queryClient: QueryClient, pid: string, id: string, patch: Partial<Cluster>) {
  queryClient.setQueriesData<Page<Cluster>>({ queryKey: queryKeys.clusterLists(pid) }, (page) =>
    page ? { ...page, items: page.items.map((c) => (c.id === id ? { ...c, ...patch } : c)) } : page,
  );
}

/**
 * Rename or set the status of a cluster, shown at once and rolled back if the server refuses.
 * List pages are patched too and refreshed once the server has answered.
 */
export function usePatchCluster(id: string) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const detailKey = queryKeys.cluster(pid, id);
  return useMutation({
    mutationFn: (patch: ClusterPatch) =>
      apiRequest<ClusterDetail>(projectPath(pid, `/clusters/${encodeURIComponent(id)}`), {
        method: 'PATCH',
        body: patch,
      }),
    onMutate: async (patch) => {
      await queryClient.cancelQueries({ queryKey: detailKey });
      const previous = queryClient.getQueryData<ClusterDetail>(detailKey);
      const optimistic: Partial<Cluster> = { ...patch };
      if (patch.title !== undefined) optimistic.titleSource = 'human';
      if (previous) queryClient.setQueryData<ClusterDetail>(detailKey, { ...previous, ...optimistic });
      patchListCaches(queryClient, pid, id, optimistic);
      return { previous };
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) {
        queryClient.setQueryData(detailKey, context.previous);
        const { items: _items, ...cluster } = context.previous;
        patchListCaches(queryClient, pid, id, cluster);
      }
    },
    onSuccess: (cluster) => {
      queryClient.setQueryData(detailKey, cluster);
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.clusterLists(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clusterHistory(pid, id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clusterMap(pid) }),
      ]),
  });
}

/** After a merge, split or move every cluster view of the project may be stale. */
function useRefreshClusters() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) });
}

export function useMergeClusters(id: string) {
  const pid = useProjectId();
  const refresh = useRefreshClusters();
  return useMutation({
    mutationFn: (clusterIds: string[]) =>
      apiRequest<ClusterDetail>(projectPath(pid, `/clusters/${encodeURIComponent(id)}/merge`), {
        method: 'POST',
        body: { clusterIds },
      }),
    onSettled: refresh,
  });
}

export function useSplitCluster(id: string) {
  const pid = useProjectId();
  const refresh = useRefreshClusters();
  return useMutation({
    mutationFn: (feedbackIds: string[]) =>
      apiRequest<ClusterDetail>(projectPath(pid, `/clusters/${encodeURIComponent(id)}/split`), {
        method: 'POST',
        body: { feedbackIds },
      }),
    onSettled: refresh,
  });
}

export function useMoveIntoCluster(id: string) {
  const pid = useProjectId();
  const refresh = useRefreshClusters();
  return useMutation({
    mutationFn: (feedbackIds: string[]) =>
      apiRequest<ClusterDetail>(projectPath(pid, `/clusters/${encodeURIComponent(id)}/move`), {
        method: 'POST',
        body: { feedbackIds },
      }),
    onSettled: refresh,
  });
}
