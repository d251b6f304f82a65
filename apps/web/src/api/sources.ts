import type { GithubRepoSync, GithubSyncResult, ImportResult, SubredditsConfig } from '@fixloop/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import type { Page } from './clusters';
import { queryKeys } from './keys';

export function useSubreddits() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.subreddits(pid),
    queryFn: ({ signal }) =>
      apiRequest<SubredditsConfig>(projectPath(pid, '/config/reddit/subreddits'), { signal }),
  });
}

export function useSaveSubreddits() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (subreddits: string[]) =>
      apiRequest<SubredditsConfig>(projectPath(pid, '/config/reddit/subreddits'), {
        method: 'PUT',
        body: { subreddits },
      }),
    onSuccess: (config) => queryClient.setQueryData(queryKeys.subreddits(pid), config),
  });
}

export function usePollReddit() {
  const pid = useProjectId();
  return useMutation({
    mutationFn: () =>
      apiRequest<{ subreddits: string[] }>(projectPath(pid, '/ingest/reddit/poll'), { method: 'POST' }),
  });
}

/** The GitHub repositories the project has synced, with each one's last counts. */
export function useGithubRepos() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.githubRepos(pid),
    queryFn: ({ signal }) =>
      apiRequest<Page<GithubRepoSync>>(projectPath(pid, '/ingest/github/repos'), { signal }),
    select: (page) => page.items,
  });
}

export function useSyncGithubRepo() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ owner, repo }: { owner: string; repo: string }) =>
      apiRequest<GithubSyncResult>(
        projectPath(pid, `/ingest/github/sync/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`),
        { method: 'POST' },
      ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.githubRepos(pid) }),
        // A sync stores reports and asks for clustering: counts and clustering status change.
        queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clustering(pid) }),
      ]),
  });
}

/** Loads the bundled sample reports (source `sample`) and asks for them to be clustered. */
export function useLoadSampleFeedback() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<ImportResult>(projectPath(pid, '/feedback/sample'), { method: 'POST' }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clustering(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.feedbackLists(pid) }),
      ]),
  });
}
