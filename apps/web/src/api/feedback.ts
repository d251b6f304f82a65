import type { FeedbackItem, FeedbackStatus } from '@fixloop/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
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
