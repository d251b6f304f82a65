import { ProjectId } from '@fixloop/contracts';
import { z } from 'zod';

/**
 * The id of the HTTP request that queued the job, so its worker's log lines can be found with the
 * request's. Optional: jobs queued before it existed, and scheduled ones, have none.
 */
const RequestId = z.string().min(1).max(100).optional();

/** Every background job: its queue, its name (`area.verb`) and its payload schema. Payloads carry ids, never secrets. */
export const JOBS = {
  redditPoll: {
    queue: 'reddit',
    name: 'reddit.poll',
    payload: z.object({ projectId: ProjectId, requestId: RequestId }),
  },
  clusteringRun: {
    queue: 'clustering',
    name: 'clustering.run',
    payload: z.object({
      projectId: ProjectId,
      clusterJobId: z.string().min(1).max(100),
      requestId: RequestId,
    }),
  },
  agentRun: {
    queue: 'agent',
    name: 'agent.run',
    payload: z.object({ projectId: ProjectId, jobId: z.string().min(1).max(100), requestId: RequestId }),
  },
  /** Lets held reports through where the month (or the plan) has room again; every project. */
  billingReleaseHeld: {
    queue: 'billing',
    name: 'billing.release-held',
    payload: z.object({}),
  },
} as const;

export type AgentRunPayload = z.infer<typeof JOBS.agentRun.payload>;
export type ClusteringRunPayload = z.infer<typeof JOBS.clusteringRun.payload>;
export type RedditPollPayload = z.infer<typeof JOBS.redditPoll.payload>;
export type BillingReleaseHeldPayload = z.infer<typeof JOBS.billingReleaseHeld.payload>;

/** Deterministic ids, so one project never has two identical polls waiting. */
export const jobIds = {
  redditPollNow: (projectId: string) => `reddit-poll-now-${projectId}`,
  redditPollSchedule: (projectId: string) => `reddit-poll-every-${projectId}`,
  billingReleaseSchedule: () => 'billing-release-held-every',
};
