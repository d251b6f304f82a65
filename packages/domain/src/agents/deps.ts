import type { AutomationLevel, PlanId } from '@fixloop/contracts';
import type { ClusteringDeps } from '../clustering/deps.js';
import type { Logger } from '../ports.js';
import type { ProjectDeps } from '../projects/projects.js';
import type { UserStore } from '../users/ports.js';
import type {
  AgentJobStore,
  CodingPlanStore,
  JobLogStore,
  Planner,
  PullRequests,
  RepositoryReader,
  SandboxRunner,
} from './ports.js';

export interface AgentSettings {
  /** The registry key new jobs run on (`CODING_AGENT_RUNNER`). */
  runner: string;
  maxConcurrentRuns: number;
  maxRunsPerMonth: number;
  /** Whether a repository's `cloneUrl` may name a path on this server (`ALLOW_LOCAL_REPOSITORIES`). */
  allowLocalRepositories: boolean;
  /** Whether a `cloneUrl` may point at loopback, link-local or private addresses (`ALLOW_PRIVATE_URLS`). */
  allowPrivateUrls: boolean;
  /** Where repositories live when no `cloneUrl` is set: `https://github.com` or a GitHub Enterprise host. */
  githubWebUrl: string;
  /** The server's `GITHUB_TOKEN`: the fallback of projects without their own token. */
  serverToken?: string | undefined;
  /** How long a plan may take to read the repository before planning goes on without it. */
  planRepositoryTimeoutMs: number;
}

/** Hands jobs to the workers, and tells them to stop one. */
export interface AgentQueue {
  enqueue(projectId: string, jobId: string): Promise<void>;
  /** Asks whichever worker runs the job to stop it now (its process or sandbox). */
  signalCancel(projectId: string, jobId: string): Promise<void>;
}

/** How far automation may go, per project. */
export interface AutomationStore {
  get(projectId: string): Promise<AutomationLevel | null>;
  set(projectId: string, level: AutomationLevel): Promise<void>;
}

export interface RunnerRegistry {
  get(name: string): SandboxRunner;
  names(): string[];
}

export interface AgentDeps {
  plans: CodingPlanStore;
  jobs: AgentJobStore;
  logs: JobLogStore;
  clustering: ClusteringDeps;
  projects: ProjectDeps;
  /** Reads repositories for planning; null when planning never reads code. */
  reader: RepositoryReader | null;
  planner: Planner;
  runners: RunnerRegistry;
  pullRequests: PullRequests;
  queue: AgentQueue;
  automation: AutomationStore;
  /** Accounts, for the GitHub token of the user who started a fix (absent: the project's token). */
  users?: Pick<UserStore, 'get'>;
  settings: AgentSettings;
  /** The addresses a host name resolves to (DNS), to keep user-set URLs off private networks; absent: not checked. */
  resolveHost?: (host: string) => Promise<string[]>;
  /** The plan's monthly run limit when billing is on (absent or null: only the operator's limit). */
  planRunLimit?: (projectId: string) => Promise<{ plan: PlanId; limit: number } | null>;
  /** The status URL and a job-only credential for runners that report back over HTTP. */
  jobCallback?: (projectId: string, jobId: string) => { url: string; token: string };
  log: Logger;
  now: () => Date;
  newId: () => string;
}

/** Projects that never chose keep the product's point: fixes up to a draft PR (never merged by us). */
export const DEFAULT_AUTOMATION: AutomationLevel = 'draft_pr';
