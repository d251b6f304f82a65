import type { GithubRepoSync, GithubSyncResult, SubredditsConfig } from '@fixloop/contracts';
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
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.githubRepos(pid) }),
  });
}
