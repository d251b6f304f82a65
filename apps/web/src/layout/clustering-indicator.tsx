import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useClusteringStatus } from '../api/clustering';
import { queryKeys } from '../api/keys';
import { useProjectId } from '../auth/project-context';

/** Shows a running or waiting clustering run, and refreshes cluster views when a run ends. */
export function ClusteringIndicator() {
  const pid = useProjectId();
  const status = useClusteringStatus();
  const queryClient = useQueryClient();
  // The last run seen to finish, per project: when another one finishes, cluster views are stale.
  const lastSeen = useRef<{ pid: string; finishedAt: string } | null>(null);

  const loaded = status.data !== undefined;
  const finishedAt = status.data?.lastJob?.finishedAt ?? '';
  useEffect(() => {
    if (!loaded) return;
    const previous = lastSeen.current;
    if (previous !== null && previous.pid === pid && previous.finishedAt !== finishedAt) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) });
    }
    lastSeen.current = { pid, finishedAt };
  }, [loaded, finishedAt, pid, queryClient]);

  if (!status.data) return <span className="clustering-indicator" />;
  const { isClustering, pendingCount } = status.data;
  let text = 'Clustering idle';
  if (isClustering) text = 'Clustering…';
  else if (pendingCount > 0) text = `${pendingCount} waiting to cluster`;
  return (
    <span className={`clustering-indicator${isClustering ? ' busy' : ''}`} role="status">
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
