import type { QueryValue } from './client';

type Params = Record<string, QueryValue>;

/**
 * Query keys. Everything a project owns starts with `['project', pid]`, so switching projects never
 * shows another project's data and one invalidation refreshes a whole area.
 */
export const queryKeys = {
  session: ['session'] as const,
  project: (pid: string) => ['project', pid] as const,
  /** The project's own record: name, repository, which secrets are stored. */
  projectSettings: (pid: string) => ['project', pid, 'settings'] as const,
  clusters: (pid: string) => ['project', pid, 'clusters'] as const,
  clusterList: (pid: string, params: Params) => ['project', pid, 'clusters', 'list', params] as const,
  clusterLists: (pid: string) => ['project', pid, 'clusters', 'list'] as const,
  cluster: (pid: string, id: string) => ['project', pid, 'clusters', 'detail', id] as const,
  clusterHistory: (pid: string, id: string) => ['project', pid, 'clusters', 'history', id] as const,
  clusterSearch: (pid: string, q: string) => ['project', pid, 'clusters', 'search', q] as const,
  clusterMap: (pid: string) => ['project', pid, 'clusters', 'map'] as const,
  clusteringStatus: (pid: string) => ['project', pid, 'clustering', 'status'] as const,
  clusterJobs: (pid: string, params: Params) => ['project', pid, 'clustering', 'jobs', params] as const,
  clustering: (pid: string) => ['project', pid, 'clustering'] as const,
  overview: (pid: string) => ['project', pid, 'overview'] as const,
  feedback: (pid: string, params: Params) => ['project', pid, 'feedback', params] as const,
  feedbackLists: (pid: string) => ['project', pid, 'feedback'] as const,
  subreddits: (pid: string) => ['project', pid, 'sources', 'subreddits'] as const,
  githubRepos: (pid: string) => ['project', pid, 'sources', 'github-repos'] as const,
  apiKeys: (pid: string) => ['project', pid, 'api-keys'] as const,
  codingPlan: (pid: string, clusterId: string) => ['project', pid, 'agents', 'plan', clusterId] as const,
  /** Every agent job query of the project: lists and single jobs. */
  agentJobs: (pid: string) => ['project', pid, 'agents', 'jobs'] as const,
  agentJobList: (pid: string, params: Params) => ['project', pid, 'agents', 'jobs', 'list', params] as const,
  agentJob: (pid: string, id: string) => ['project', pid, 'agents', 'jobs', 'detail', id] as const,
  automation: (pid: string) => ['project', pid, 'automation'] as const,
};
