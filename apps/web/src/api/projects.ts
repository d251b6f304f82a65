import type {
  Project,
  RepositoryCheck,
  RepositoryCheckBody,
  RepositorySettings,
  SecretsUpdate,
} from '@fixloop/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import { queryKeys } from './keys';

/** The selected project's record: its name, repository and which secrets are stored (never their values). */
export function useProjectSettings() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.projectSettings(pid),
    queryFn: ({ signal }) => apiRequest<Project>(projectPath(pid, ''), { signal }),
  });
}

export function useRenameProject() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      apiRequest<Project>(projectPath(pid, ''), { method: 'PATCH', body: { name } }),
    onSuccess: (project) => {
      queryClient.setQueryData(queryKeys.projectSettings(pid), project);
      // The project switcher shows the names the session lists.
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
  });
}

/** Replaces the project's repository settings (`PUT` replaces every field). */
export function useSaveRepository() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (repository: RepositorySettings) =>
      apiRequest<RepositorySettings>(projectPath(pid, '/repository'), { method: 'PUT', body: repository }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.projectSettings(pid) }),
  });
}

/** Sets (a string) or removes (`null`) third-party secrets; absent fields are left as they are. */
export function useSaveSecrets() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (secrets: SecretsUpdate) =>
      apiRequest<void>(projectPath(pid, '/secrets'), { method: 'PUT', body: secrets }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.projectSettings(pid) }),
  });
}

/** Asks GitHub, live, what a token can do with a repository. Nothing is stored, so nothing is cached. */
export function useCheckRepository() {
  const pid = useProjectId();
  return useMutation({
    mutationFn: (body: RepositoryCheckBody) =>
      apiRequest<RepositoryCheck>(projectPath(pid, '/repository/check'), { method: 'POST', body }),
  });
}
