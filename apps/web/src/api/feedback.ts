import type { FeedbackItem, FeedbackStatus, IngestResult } from '@fixloop/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { apiRequest, projectPath } from './client';
import type { Page } from './clusters';
import { queryKeys } from './keys';

export interface FeedbackListParams {
  source?: string | undefined;
  status?: FeedbackStatus | undefined;
  clustered?: 'true' | 'false' | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  [key: string]: string | number | undefined;
}

export function useFeedbackList(params: FeedbackListParams) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.feedback(pid, params),
    queryFn: ({ signal }) =>
      apiRequest<Page<FeedbackItem>>(projectPath(pid, '/feedback'), { query: params, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Submits one report by hand (`POST /feedback`); every feedback list and the clusters refresh. */
export function useAddFeedback() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { title: string; body?: string | undefined }) =>
      apiRequest<IngestResult>(projectPath(pid, '/feedback'), {
        method: 'POST',
        body: input.body ? { title: input.title, body: input.body } : { title: input.title },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['project', pid, 'feedback'] }),
  });
}
