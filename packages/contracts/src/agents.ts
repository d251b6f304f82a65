import { z } from 'zod';
import { Cursor, Limit, Timestamp, text } from './common.js';

/** A file the plan expects to change, and why. */
export const CandidateFile = z.object({
  path: z.string(),
  reason: z.string(),
});
export type CandidateFile = z.infer<typeof CandidateFile>;

/** A report the plan rests on: every duplicate is evidence for the same fix. */
export const PlanCitation = z.object({
  feedbackId: z.string(),
  title: z.string(),
  source: z.string(),
  url: z.string().optional(),
});
export type PlanCitation = z.infer<typeof PlanCitation>;

export const PlanRisk = z.enum(['low', 'medium', 'high']);
export type PlanRisk = z.infer<typeof PlanRisk>;

/** How a fix for one cluster should be made; one plan per cluster. */
export const CodingPlan = z
  .object({
    id: z.string(),
    clusterId: z.string(),
    title: z.string(),
    summary: z.string(),
    hypotheses: z.array(z.string()),
    candidateFiles: z.array(CandidateFile),
    steps: z.array(z.string()),
    validation: z
      .array(z.string())
      .meta({ description: 'shell commands that check the fix, run in the sandbox after the agent' }),
    risk: PlanRisk,
    citations: z.array(PlanCitation),
    source: z.enum(['llm', 'offline', 'edited']),
    /** The commit of the repository the plan was made from, when a repository was read. */
    repositoryCommit: z.string().optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'CodingPlan' });
export type CodingPlan = z.infer<typeof CodingPlan>;

const Line = text(2_000).trim().min(1);

/** `PUT /clusters/{id}/plan`: a human's edit, kept until a human regenerates. */
export const CodingPlanUpdate = z
  .object({
    title: text(300).trim().min(1),
    summary: text(20_000),
    hypotheses: z.array(Line).max(50),
    candidateFiles: z.array(z.object({ path: text(1_000).trim().min(1), reason: text(2_000) })).max(200),
    steps: z.array(Line).max(100),
    validation: z.array(Line).max(20),
    risk: PlanRisk,
  })
  .strict();
export type CodingPlanUpdate = z.infer<typeof CodingPlanUpdate>;

export const AgentJobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type AgentJobStatus = z.infer<typeof AgentJobStatus>;
export const TERMINAL_AGENT_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

/** What a finished (or running) agent job measured. */
export const AgentJobStats = z.object({
  durationMs: z.number().int().optional(),
  filesChanged: z.number().int().optional(),
  insertions: z.number().int().optional(),
  deletions: z.number().int().optional(),
  validationPassed: z.boolean().optional(),
  logLines: z.number().int().optional(),
});
export type AgentJobStats = z.infer<typeof AgentJobStats>;

/** One run of a coding agent for a cluster. */
export const AgentJob = z
  .object({
    id: z.string(),
    projectId: z.string(),
    clusterId: z.string(),
    planId: z.string(),
    runner: z.string(),
    status: AgentJobStatus,
    branch: z.string().optional(),
    prUrl: z.string().optional(),
    commitSha: z.string().optional(),
    error: z.string().optional(),
    stats: AgentJobStats,
    /** The job this one retries, if any. */
    retryOf: z.string().optional(),
    /** The signed-in user who started the fix; their GitHub token, if any, opens the PR. */
    startedBy: z.string().optional(),
    createdAt: Timestamp,
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
  })
  .meta({ id: 'AgentJob' });
export type AgentJob = z.infer<typeof AgentJob>;

export const AgentJobListQuery = z.object({
  clusterId: z.string().min(1).max(200).optional(),
  status: AgentJobStatus.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type AgentJobListQuery = z.infer<typeof AgentJobListQuery>;

/**
 * `PATCH /jobs/{id}`: status from an external runner, authenticated by the job's own token.
 * Only forward transitions are accepted (queued → running → a terminal status).
 */
export const AgentJobPatch = z
  .object({
    status: z.enum(['running', 'succeeded', 'failed']).optional(),
    branch: text(255).min(1).optional(),
    prUrl: text(2_048)
      .pipe(z.url({ protocol: /^https?$/ }))
      .optional(),
    commitSha: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/, 'a git commit id')
      .optional(),
    error: text(4_000).optional(),
    stats: AgentJobStats.optional(),
    /** Log lines to append, in order. */
    log: z
      .array(z.object({ step: text(40).min(1), line: text(8_000) }))
      .max(500)
      .optional(),
  })
  .strict();
export type AgentJobPatch = z.infer<typeof AgentJobPatch>;

export const LogStream = z.enum(['stdout', 'stderr', 'info']);
export type LogStream = z.infer<typeof LogStream>;

/** One line of a job's log, as the Redis Stream keeps it. */
export const JobLogLine = z
  .object({
    id: z.string().meta({ description: 'the stream entry id; pass it as `after` to read on' }),
    at: Timestamp,
    step: z.string(),
    stream: LogStream,
    line: z.string(),
  })
  .meta({ id: 'JobLogLine' });
export type JobLogLine = z.infer<typeof JobLogLine>;

export const JobLogQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'a log entry id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

/** `GET /jobs/{id}/logs` as JSON: the lines after `after`, and whether the job can still write more. */
export const JobLogPage = z.object({
  items: z.array(JobLogLine),
  /** Pass as `after` to read on; absent when there were no lines. */
  nextAfter: z.string().optional(),
  done: z.boolean(),
});
export type JobLogPage = z.infer<typeof JobLogPage>;

/** How far automation may go for a project. */
export const AutomationLevel = z.enum(['plan', 'draft_pr']);
export type AutomationLevel = z.infer<typeof AutomationLevel>;

/** `GET|PUT /projects/{pid}/automation`. */
export const AutomationSettings = z
  .object({
    level: AutomationLevel,
  })
  .strict()
  .meta({ id: 'AutomationSettings' });
export type AutomationSettings = z.infer<typeof AutomationSettings>;
