import { describe, expect, it } from 'vitest';
import { JOBS } from './catalog.js';

describe('job payloads', () => {
  it('still parse when queued by a version without request ids', () => {
    expect(JOBS.clusteringRun.payload.parse({ projectId: 'acme', clusterJobId: 'j1' })).toEqual({
      projectId: 'acme',
      clusterJobId: 'j1',
    });
    expect(JOBS.agentRun.payload.parse({ projectId: 'acme', jobId: 'j2' })).toEqual({
      projectId: 'acme',
      jobId: 'j2',
    });
    expect(JOBS.redditPoll.payload.parse({ projectId: 'acme' })).toEqual({ projectId: 'acme' });
  });

  it('carry the request id when there is one, and refuse a malformed one', () => {
    const payload = { projectId: 'acme', clusterJobId: 'j1', requestId: 'req-7' };
    expect(JOBS.clusteringRun.payload.parse(payload)).toEqual(payload);
    expect(JOBS.agentRun.payload.safeParse({ projectId: 'acme', jobId: 'j', requestId: '' }).success).toBe(
      false,
    );
    expect(JOBS.redditPoll.payload.safeParse({ projectId: 'acme', requestId: 7 }).success).toBe(false);
  });
});
