import type { AgentJob } from '@fixloop/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import {
  isActiveJob,
  refreshAfterJob,
  useAgentJobs,
  useAutomation,
  useCancelJob,
  useRetryJob,
  useStartFix,
} from '../../api/agents';
import { errorMessage } from '../../api/client';
import { useCluster } from '../../api/clusters';
import { useProjectId } from '../../auth/project-context';
import { JobLog, type LogEnd } from '../../components/job-log';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';
import { AgentStatusBadge, JobStats, PullRequestLink } from '../jobs/agent-job-parts';

/** The latest job of the cluster: its outcome, its controls and its log (followed live while it runs). */
function LatestJob({ job, onProblem }: { job: AgentJob; onProblem: (message: string | null) => void }) {
  const id = useId();
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const cancel = useCancelJob();
  const retry = useRetryJob();
  const toast = useToast();
  const active = isActiveJob(job);
  const [showLog, setShowLog] = useState(active);
  useEffect(() => {
    if (active) setShowLog(true);
  }, [active]);

  function ended(end: LogEnd | undefined) {
    void refreshAfterJob(queryClient, pid, job.clusterId);
    if (end?.status === 'succeeded') toast.success('The fix is done: a draft pull request is open.');
    else if (end?.status === 'failed') toast.error('The fix failed: see its log.');
  }

  return (
    <div className="job-card">
      <h3 id={`${id}-h`} className="job-card-title">
        Latest fix <AgentStatusBadge status={job.status} />
      </h3>
      <p className="hint">
        Started <RelativeTime iso={job.createdAt} />
        {job.retryOf ? ' (a retry)' : ''}
      </p>
      <JobStats job={job} />
      {job.branch ? (
        <p className="job-branch">
          Branch <code>{job.branch}</code>
        </p>
      ) : null}
      {job.prUrl ? (
        <p className="job-pr">
          <PullRequestLink url={job.prUrl} />
        </p>
      ) : null}
      {job.error ? <p className="field-error">{job.error}</p> : null}
      <div className="actions">
        {active ? (
          <button
            type="button"
            className="button button-small"
            disabled={cancel.isPending}
            onClick={() =>
              cancel.mutate(job, {
                onSuccess: () => toast.success('Fix cancelled.'),
                onError: (e) => toast.error(`Not cancelled: ${errorMessage(e)}`),
              })
            }
          >
            Cancel fix
          </button>
        ) : null}
        {job.status === 'failed' || job.status === 'cancelled' ? (
          <button
            type="button"
            className="button button-small"
            disabled={retry.isPending}
            onClick={() => {
              onProblem(null);
              retry.mutate(job, {
                onSuccess: () => toast.success('Fix queued again.'),
                onError: (e) => onProblem(errorMessage(e)),
              });
            }}
          >
            Retry
          </button>
        ) : null}
        {!active ? (
          <button
            type="button"
            className="button button-small"
            aria-expanded={showLog}
            aria-controls={`${id}-log`}
            onClick={() => setShowLog((s) => !s)}
          >
            {showLog ? 'Hide log' : 'Show log'}
          </button>
        ) : null}
      </div>
      <div id={`${id}-log`}>{showLog ? <JobLog jobId={job.id} live={active} onEnd={ended} /> : null}</div>
    </div>
  );
}

function EarlierJobs({ jobs }: { jobs: AgentJob[] }) {
  if (jobs.length === 0) return null;
  return (
    <details className="job-history">
      <summary>Earlier fixes ({jobs.length})</summary>
      <ul className="plain-list">
        {jobs.map((j) => (
          <li key={j.id}>
            <AgentStatusBadge status={j.status} /> <RelativeTime iso={j.createdAt} />
            {j.prUrl ? (
              <>
                {' '}
                <PullRequestLink url={j.prUrl} />
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Generate fix: a coding agent drafts the plan's fix as a pull request; its latest run below. */
export function FixPanel({ clusterId }: { clusterId: string }) {
  const id = useId();
  const automation = useAutomation();
  const jobs = useAgentJobs({ clusterId, limit: 5 });
  const cluster = useCluster(clusterId);
  const start = useStartFix(clusterId);
  const toast = useToast();
  const [problem, setProblem] = useState<string | null>(null);
  const items = jobs.data?.items ?? [];
  const latest = items[0];
  const active = isActiveJob(latest);
  const loading = automation.isPending || jobs.isPending;

  let blocked: ReactNode = null;
  if (automation.isError) {
    blocked = `Could not read whether this project allows fixes: ${errorMessage(automation.error)}`;
  } else if (automation.data === 'plan') {
    blocked = (
      <>
        This project's automation stops at coding plans.{' '}
        <Link to="/sources#automation">Allow draft pull requests on Sources</Link>.
      </>
    );
  } else if (latest && active) {
    blocked = `A fix for this cluster is already ${latest.status}.`;
  }
  const clusterPr = cluster.data?.prUrl;
  const showClusterPr = clusterPr !== undefined && !items.some((j) => j.prUrl === clusterPr);

  return (
    <section className="panel fix-panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Fix</h2>
      <button
        type="button"
        className="button button-primary"
        disabled={loading || blocked !== null || start.isPending}
        aria-describedby={`${id}-why`}
        onClick={() => {
          setProblem(null);
          start.mutate(undefined, {
            onSuccess: () => toast.success('Fix queued: the agent starts in a moment.'),
            onError: (e) => setProblem(errorMessage(e)),
          });
        }}
      >
        {start.isPending ? 'Starting…' : 'Generate fix'}
      </button>
      <p id={`${id}-why`} className="hint">
        {loading
          ? null
          : (blocked ??
            'A coding agent works on the plan in a sandbox, pushes a branch and opens a draft pull request.')}
      </p>
      {problem !== null ? (
        <p className="field-error" role="alert">
          Could not start a fix: {problem}
        </p>
      ) : null}
      {showClusterPr ? (
        <p className="job-pr">
          <PullRequestLink url={clusterPr}>Pull request for this cluster</PullRequestLink>
        </p>
      ) : null}
      {jobs.isError ? (
        // Not an alert: a side panel's background read failing should not interrupt the page.
        <p className="muted">
          Could not load this cluster's fixes: {errorMessage(jobs.error)}{' '}
          <button type="button" className="button button-small" onClick={() => void jobs.refetch()}>
            Try again
          </button>
        </p>
      ) : null}
      {latest ? <LatestJob key={latest.id} job={latest} onProblem={setProblem} /> : null}
      <EarlierJobs jobs={items.slice(1)} />
      {items.length > 0 ? (
        <p className="hint">
          <Link to="/jobs?view=agents">All agent jobs</Link>
        </p>
      ) : null}
    </section>
  );
}
