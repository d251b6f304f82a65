import type {
  AgentJob,
  AgentJobStatus,
  AutomationLevel,
  AutomationSettings,
  CodingPlan,
  CodingPlanUpdate,
  JobLogPage,
} from '@fixloop/contracts';
import {
  keepPreviousData,
  type QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useProjectId } from '../auth/project-context';
import { ApiError, apiRequest, isApiError, projectPath, withQuery } from './client';
import type { Page } from './clusters';
import { queryKeys } from './keys';

/** How often job lists are read again while one of their jobs is queued or running. */
const ACTIVE_POLL_MS = 3_000;

export function isActiveJob(job: Pick<AgentJob, 'status'> | undefined): boolean {
  return job?.status === 'queued' || job?.status === 'running';
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null;

/**
 * The answer, when it has the shape this page draws from. The API is ours and typed, but a proxy,
 * an older server or a misrouted path can answer something else: that is an error to show, not a crash.
 */
function shaped<T>(value: unknown, valid: (v: Fields) => boolean): T {
  if (isObject(value) && valid(value)) return value as T;
  throw new ApiError(200, 'unexpected_response', 'The server sent an answer this page does not understand.');
}
const isPlan = (v: Fields) =>
  typeof v.id === 'string' &&
  typeof v.title === 'string' &&
  ['hypotheses', 'candidateFiles', 'steps', 'validation', 'citations'].every((k) => Array.isArray(v[k]));
const isJob = (v: unknown) =>
  isObject(v) && typeof v.id === 'string' && typeof v.status === 'string' && isObject(v.stats);
const isJobPage = (v: Fields) => Array.isArray(v.items) && v.items.every(isJob);
const isAutomation = (v: Fields) => v.level === 'plan' || v.level === 'draft_pr';

const clusterPath = (pid: string, clusterId: string, rest: string) =>
  projectPath(pid, `/clusters/${encodeURIComponent(clusterId)}${rest}`);
const jobPath = (pid: string, jobId: string, rest = '') =>
  projectPath(pid, `/jobs/${encodeURIComponent(jobId)}${rest}`);

/** The cluster's coding plan; `null` before the first one (the API answers 404 then). */
export function useCodingPlan(clusterId: string) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.codingPlan(pid, clusterId),
    queryFn: async ({ signal }) => {
      try {
        return shaped<CodingPlan>(await apiRequest(clusterPath(pid, clusterId, '/plan'), { signal }), isPlan);
      } catch (e) {
        if (isApiError(e) && e.code === 'not_found') return null;
        throw e;
      }
    },
  });
}

/** A plan changes the cluster's status (new → planned) and its history. */
function refreshCluster(queryClient: QueryClient, pid: string, clusterId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.cluster(pid, clusterId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clusterHistory(pid, clusterId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clusterLists(pid) }),
  ]);
}

/** Writes a new plan, replacing the current one (a human edit included). */
export function useGeneratePlan(clusterId: string) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      shaped<CodingPlan>(await apiRequest(clusterPath(pid, clusterId, '/plan'), { method: 'POST' }), isPlan),
    onSuccess: (plan) => queryClient.setQueryData(queryKeys.codingPlan(pid, clusterId), plan),
    onSettled: () => refreshCluster(queryClient, pid, clusterId),
  });
}

/** Saves a human's edit: shown at once, rolled back when the server refuses it. */
export function useSavePlan(clusterId: string) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const key = queryKeys.codingPlan(pid, clusterId);
  return useMutation({
    mutationFn: async (update: CodingPlanUpdate) =>
      shaped<CodingPlan>(
        await apiRequest(clusterPath(pid, clusterId, '/plan'), { method: 'PUT', body: update }),
        isPlan,
      ),
    onMutate: async (update) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<CodingPlan | null>(key);
      if (previous) queryClient.setQueryData<CodingPlan>(key, { ...previous, ...update, source: 'edited' });
      return { previous };
    },
    onError: (_error, _update, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSuccess: (plan) => queryClient.setQueryData(key, plan),
  });
}

export interface AgentJobParams {
  clusterId?: string | undefined;
  status?: AgentJobStatus | undefined;
  cursor?: string | undefined;
  limit: number;
  [key: string]: string | number | undefined;
}

/** Agent jobs, newest first; read again every few seconds while one of them is under way (visible tab only). */
export function useAgentJobs(params: AgentJobParams) {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.agentJobList(pid, params),
    queryFn: async ({ signal }) =>
      shaped<Page<AgentJob>>(
        await apiRequest(projectPath(pid, '/jobs'), { query: params, signal }),
        isJobPage,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(isActiveJob) ? ACTIVE_POLL_MS : false),
    refetchIntervalInBackground: false,
  });
}

/** After a job starts, stops or ends: its lists, and the cluster whose status it moves. */
export function refreshAfterJob(queryClient: QueryClient, pid: string, clusterId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.agentJobs(pid) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.codingPlan(pid, clusterId) }),
    refreshCluster(queryClient, pid, clusterId),
  ]);
}

/** Queues a coding agent for the cluster (`start_fix`). */
export function useStartFix(clusterId: string) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<AgentJob>(clusterPath(pid, clusterId, '/start_fix'), { method: 'POST' }),
    onSettled: () => refreshAfterJob(queryClient, pid, clusterId),
  });
}

/** Cancels a queued or running job. */
export function useCancelJob() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (job: AgentJob) => apiRequest<AgentJob>(jobPath(pid, job.id, '/cancel'), { method: 'POST' }),
    onSettled: (_data, _error, job) => refreshAfterJob(queryClient, pid, job.clusterId),
  });
}

/** Starts a new job for the cluster of a failed or cancelled one. */
export function useRetryJob() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (job: AgentJob) => apiRequest<AgentJob>(jobPath(pid, job.id, '/retry'), { method: 'POST' }),
    onSettled: (_data, _error, job) => refreshAfterJob(queryClient, pid, job.clusterId),
  });
}

/** One page of a job's log after `after` (the JSON form of the log route). */
export function readJobLog(
  pid: string,
  jobId: string,
  after: string | undefined,
  signal?: AbortSignal,
): Promise<JobLogPage> {
  return apiRequest<JobLogPage>(jobPath(pid, jobId, '/logs'), {
    query: { after, limit: 1_000 },
    ...(signal ? { signal } : {}),
  });
}

/** Where an EventSource follows a job's log from `after` (same origin: the session cookie goes along). */
export function jobLogStreamUrl(pid: string, jobId: string, after: string | undefined): string {
  return withQuery(jobPath(pid, jobId, '/logs'), { after });
}

/** How far automation may go for the project: plans only, or up to a draft pull request. */
export function useAutomation() {
  const pid = useProjectId();
  return useQuery({
    queryKey: queryKeys.automation(pid),
    queryFn: async ({ signal }) =>
      shaped<AutomationSettings>(await apiRequest(projectPath(pid, '/automation'), { signal }), isAutomation),
    select: (settings) => settings.level,
  });
}

export function useSaveAutomation() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (level: AutomationLevel) =>
      apiRequest<AutomationSettings>(projectPath(pid, '/automation'), { method: 'PUT', body: { level } }),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.automation(pid), settings),
  });
}
