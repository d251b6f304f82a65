import type { FeedbackItem, FeedbackStatus, ImportResult, IngestResult } from '@fixloop/contracts';
import {
  keepPreviousData,
  type QueryClient,
  type QueryKey,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import { useProjectId } from '../auth/project-context';
import { apiRequest, isApiError, projectPath } from './client';
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

/** The prefix of every feedback list page of a project. */
const feedbackLists = (pid: string) => ['project', pid, 'feedback'] as const;

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
    onSuccess: () => queryClient.invalidateQueries({ queryKey: feedbackLists(pid) }),
  });
}

/** The fields a person edits; a title or body change sends the report back to clustering. */
export interface FeedbackEdit {
  title?: string;
  body?: string;
  status?: FeedbackStatus;
}

function isFeedbackPage(data: unknown): data is Page<FeedbackItem> {
  return Array.isArray((data as { items?: unknown } | undefined)?.items);
}

/** Replaces report `id` in every cached feedback list page. */
function patchCachedItem(
  queryClient: QueryClient,
  pid: string,
  id: string,
  patch: (item: FeedbackItem) => FeedbackItem,
): void {
  queryClient.setQueriesData<Page<FeedbackItem>>({ queryKey: feedbackLists(pid) }, (page) =>
    isFeedbackPage(page) && page.items.some((i) => i.id === id)
      ? { ...page, items: page.items.map((i) => (i.id === id ? patch(i) : i)) }
      : page,
  );
}

function findCachedItem(queryClient: QueryClient, pid: string, id: string): FeedbackItem | undefined {
  for (const [, page] of queryClient.getQueriesData<unknown>({ queryKey: feedbackLists(pid) })) {
    const item = isFeedbackPage(page) ? page.items.find((i) => i.id === id) : undefined;
    if (item) return item;
  }
  return undefined;
}

/**
 * Edits a report (`PUT /feedback/{id}`), shown at once in every cached list page and put back as it
 * was if the server refuses. Only the item is rolled back, so a concurrent edit of another row stays.
 */
export function useUpdateFeedback() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, edit }: { id: string; edit: FeedbackEdit }) =>
      apiRequest<FeedbackItem>(projectPath(pid, `/feedback/${encodeURIComponent(id)}`), {
        method: 'PUT',
        body: edit,
      }),
    onMutate: async ({ id, edit }) => {
      await queryClient.cancelQueries({ queryKey: feedbackLists(pid) });
      const previous = findCachedItem(queryClient, pid, id);
      patchCachedItem(queryClient, pid, id, (item) => ({ ...item, ...edit }));
      return { previous };
    },
    onError: (_error, { id }, context) => {
      const previous = context?.previous;
      if (previous) patchCachedItem(queryClient, pid, id, () => previous);
    },
    onSuccess: (item) => patchCachedItem(queryClient, pid, item.id, () => item),
    // Not awaited: the result is known (and toasted) without waiting for the lists to refetch.
    onSettled: (_item, error, { edit }) => {
      void queryClient.invalidateQueries({ queryKey: feedbackLists(pid) });
      if (!error && (edit.title !== undefined || edit.body !== undefined)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) });
        void queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) });
      }
    },
  });
}

/** How a delete ended: removed now, or already gone (someone else deleted it first). */
export type DeleteOutcome = 'deleted' | 'already-gone';

/**
 * Deletes a report (`DELETE /feedback/{id}`), removed at once from every cached list page and put
 * back in its place if the server refuses.
 */
export function useDeleteFeedback() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string): Promise<DeleteOutcome> => {
      try {
        await apiRequest<void>(projectPath(pid, `/feedback/${encodeURIComponent(id)}`), { method: 'DELETE' });
        return 'deleted';
      } catch (e) {
        if (isApiError(e) && e.status === 404) return 'already-gone';
        throw e;
      }
    },
    onMutate: async (id) => {
      await queryClient.cancelQueries({ queryKey: feedbackLists(pid) });
      const removed: Array<{ key: QueryKey; index: number; item: FeedbackItem }> = [];
      for (const [key, page] of queryClient.getQueriesData<unknown>({ queryKey: feedbackLists(pid) })) {
        if (!isFeedbackPage(page)) continue;
        const index = page.items.findIndex((i) => i.id === id);
        const item = page.items[index];
        if (!item) continue;
        removed.push({ key, index, item });
        queryClient.setQueryData<Page<FeedbackItem>>(key, {
          ...page,
          items: page.items.filter((i) => i.id !== id),
        });
      }
      return { removed };
    },
    onError: (_error, id, context) => {
      for (const { key, index, item } of context?.removed ?? []) {
        queryClient.setQueryData<Page<FeedbackItem>>(key, (page) =>
          isFeedbackPage(page) && !page.items.some((i) => i.id === id)
            ? { ...page, items: [...page.items.slice(0, index), item, ...page.items.slice(index)] }
            : page,
        );
      }
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: feedbackLists(pid) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) });
    },
  });
}

/**
 * Sends one batch of an import (`POST /feedback/import`, a JSON array). Going through a mutation
 * lets the app's mutation cache see a 401. The caller calls `refresh` once, after the last batch.
 */
export function useImportFeedback() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const { mutateAsync } = useMutation({
    mutationFn: ({ items, signal }: { items: unknown[]; signal: AbortSignal }) =>
      apiRequest<ImportResult>(projectPath(pid, '/feedback/import'), { method: 'POST', body: items, signal }),
  });
  const send = useCallback(
    (items: unknown[], signal: AbortSignal) => mutateAsync({ items, signal }),
    [mutateAsync],
  );
  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: feedbackLists(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clusters(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clustering(pid) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.overview(pid) }),
      ]),
    [pid, queryClient],
  );
  return { send, refresh };
}
