import type {
  AgentJob,
  AgentJobListQuery,
  AgentJobStats,
  AgentJobStatus,
  CandidateFile,
  Cluster,
  CodingPlan,
  FeedbackItem,
  JobLogLine,
  LogStream,
  PlanRisk,
} from '@fixloop/contracts';

/**
 * Where a project's repository is fetched from, resolved from its settings: `url` is the
 * `cloneUrl` override or the GitHub URL; `token` the project's (else the server's) token.
 * The token is never part of `url` and never logged.
 */
export interface RepositoryAccess {
  owner: string;
  name: string;
  url: string;
  /** The branch fixes start from and PRs target; the remote's HEAD when unknown. */
  defaultBranch?: string | undefined;
  token?: string | undefined;
}

/** One line of text in a repository file that matched a search. */
export interface SearchLine {
  line: number;
  text: string;
}

export interface SearchHit {
  path: string;
  /** How often each searched term occurs in the file. */
  hits: Record<string, number>;
  /** A few matching lines, for the plan's reasons. */
  lines: SearchLine[];
}

/** A read-only working copy of a repository at one commit (a cached shallow clone). */
export interface RepositorySnapshot {
  readonly commit: string;
  readonly branch: string;
  /** Tracked file paths, relative and POSIX-style, bounded. */
  files(): Promise<string[]>;
  /** A tracked text file's content, or null when missing, binary or too large. */
  read(path: string): Promise<string | null>;
  /** Files whose text contains any of `terms` (case-insensitive), most hits first. */
  search(terms: string[], limit: number): Promise<SearchHit[]>;
}

export interface RepositoryReader {
  /** A snapshot of the default branch's head; cached per project and repository, refreshed when stale. */
  snapshot(projectId: string, access: RepositoryAccess, signal?: AbortSignal): Promise<RepositorySnapshot>;
}

/** What a planner is given: the cluster, its reports, and the repository when one could be read. */
export interface PlanContext {
  cluster: Cluster;
  reports: FeedbackItem[];
  repository?: RepositorySnapshot | undefined;
}

/** A plan before it has an id and times. */
export interface PlanDraft {
  title: string;
  summary: string;
  hypotheses: string[];
  candidateFiles: CandidateFile[];
  steps: string[];
  validation: string[];
  risk: PlanRisk;
  source: 'llm' | 'offline';
}

export interface Planner {
  /** `offline`, or the model's `provider:model`. */
  readonly id: string;
  plan(context: PlanContext): Promise<PlanDraft>;
}

export interface CodingPlanStore {
  get(projectId: string, clusterId: string): Promise<CodingPlan | null>;
  put(projectId: string, plan: CodingPlan): Promise<void>;
}

/** Why a job could not be created. */
export type JobAdmission =
  | { ok: true; job: AgentJob }
  | { ok: false; reason: 'cluster_busy'; activeJobId: string }
  | { ok: false; reason: 'concurrency'; limit: number }
  | { ok: false; reason: 'monthly'; limit: number };

export interface AgentJobLimits {
  maxConcurrent: number;
  maxPerMonth: number;
  /** `YYYY-MM` of the UTC month the run counts against. */
  month: string;
}

export interface AgentJobFields {
  branch?: string;
  prUrl?: string;
  commitSha?: string;
  error?: string;
  stats?: AgentJobStats;
  startedAt?: string;
  finishedAt?: string;
}

export interface AgentJobStore {
  /**
   * Creates a queued job atomically with its admission checks: no other queued or running job
   * for the cluster, fewer than `maxConcurrent` active in the project, fewer than `maxPerMonth`
   * created this month (the run is counted when admitted).
   */
  create(projectId: string, job: AgentJob, limits: AgentJobLimits): Promise<JobAdmission>;
  get(projectId: string, jobId: string): Promise<AgentJob | null>;
  list(projectId: string, query: AgentJobListQuery): Promise<{ items: AgentJob[]; nextCursor?: string }>;
  /**
   * Moves a job to `status` (with `fields`) only when its current status is one of `from`;
   * answers the updated job, or null when it was not in `from` (another writer got there first).
   * Leaving queued/running frees the cluster and the project's concurrency slot.
   */
  transition(
    projectId: string,
    jobId: string,
    from: readonly AgentJobStatus[],
    status: AgentJobStatus,
    fields?: AgentJobFields,
  ): Promise<AgentJob | null>;
  /** Sets fields without changing the status (progress from a running job). */
  setFields(projectId: string, jobId: string, fields: AgentJobFields): Promise<void>;
  /** The cluster status to restore when the job ends without a PR. */
  rememberClusterStatus(projectId: string, jobId: string, status: Cluster['status']): Promise<void>;
  previousClusterStatus(projectId: string, jobId: string): Promise<Cluster['status'] | null>;
}

export interface NewLogLine {
  step: string;
  stream: LogStream;
  line: string;
}

/** A job's log: a capped Redis Stream that outlives the process that wrote it. */
export interface JobLogStore {
  append(projectId: string, jobId: string, lines: NewLogLine[]): Promise<void>;
  /** Lines after the entry id `after` (from the start when absent), oldest first. */
  read(projectId: string, jobId: string, after: string | undefined, limit: number): Promise<JobLogLine[]>;
}

/** Writes one line to the job's log; the runner never awaits it line by line. */
export type LogSink = (step: string, stream: LogStream, line: string) => void;

/** The outcome of the plan's validation commands, run in the sandbox after the agent. */
export interface ValidationResult {
  /** True when every command exited 0 (and true when there were none). */
  passed: boolean;
  commands: Array<{ command: string; exitCode: number | null; timedOut: boolean }>;
}

/** Everything a runner needs for one job. */
export interface RunRequest {
  job: AgentJob;
  plan: CodingPlan;
  /** The task file's text (plan + fenced reports); the runner writes it outside the repository. */
  task: string;
  repository: RepositoryAccess;
  /** The branch to create from the default branch and push. */
  branch: string;
  /** The commit message's first line and body. */
  commitMessage: string;
  log: LogSink;
  /** Aborted on cancel: the runner stops its processes or sandbox and throws. */
  signal: AbortSignal;
  /**
   * Where a runner that hands the work to another system has it report back: `PATCH url` with
   * `Authorization: Bearer token` (a credential for this one job only).
   */
  statusCallback?: { url: string; token: string } | undefined;
}

/** What a runner produced: a pushed branch with one commit on top of the default branch. */
export interface RunOutcome {
  branch: string;
  /** The branch the commit is based on (the PR's base). */
  baseBranch: string;
  commitSha: string;
  validation: ValidationResult;
  stats: AgentJobStats;
}

/** A failure the job should report as its error (e.g. "agent made no changes"); logs are kept. */
export class AgentRunError extends Error {
  override readonly name = 'AgentRunError';
}

/** Runs a coding agent somewhere isolated and pushes its work; one implementation per file. */
export interface SandboxRunner {
  /** The registry key (`local`, `e2b`, …). */
  readonly name: string;
  run(request: RunRequest): Promise<RunOutcome>;
}

export interface DraftPullRequest {
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  token?: string | undefined;
}

/** Opens draft pull requests (GitHub's REST API). */
export interface PullRequests {
  openDraft(request: DraftPullRequest): Promise<{ url: string; number: number }>;
}
