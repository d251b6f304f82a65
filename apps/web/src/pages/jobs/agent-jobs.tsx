import type { AgentJob, AgentJobStatus } from '@fixloop/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { isActiveJob, useAgentJobs } from '../../api/agents';
import { queryKeys } from '../../api/keys';
import { useProjectId } from '../../auth/project-context';
import { JobLog } from '../../components/job-log';
import { Pager, useCursorPages } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import {
  AGENT_JOB_STATUSES,
  AgentStatusBadge,
  agentStatusLabel,
  formatDuration,
  jobDuration,
  PullRequestLink,
} from './agent-job-parts';

const PAGE_SIZE = 25;

/** Ids are long and random: the first characters tell clusters apart in a table. */
const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

function JobRow({ job, open, onOpen }: { job: AgentJob; open: boolean; onOpen: () => void }) {
  const duration = jobDuration(job);
  return (
    <tr>
      <td data-label="Cluster">
        <Link to={`/clusters/${encodeURIComponent(job.clusterId)}`} title={job.clusterId}>
          Cluster {shortId(job.clusterId)}
        </Link>
      </td>
      <td data-label="Status">
        <AgentStatusBadge status={job.status} />
        {job.error ? <p className="field-error">{job.error}</p> : null}
      </td>
      <td data-label="Runner">{job.runner}</td>
      <td data-label="Created">
        <RelativeTime iso={job.createdAt} />
      </td>
      <td data-label="Duration" className="num">
        {duration === undefined ? '' : formatDuration(duration)}
      </td>
      <td data-label="Files changed" className="num">
        {job.stats.filesChanged ?? ''}
      </td>
      <td data-label="Pull request">{job.prUrl ? <PullRequestLink url={job.prUrl} /> : ''}</td>
      <td data-label="Log">
        <button type="button" className="button button-small" aria-pressed={open} onClick={onOpen}>
          Log<span className="visually-hidden"> of the job of cluster {shortId(job.clusterId)}</span>
        </button>
      </td>
    </tr>
  );
}

/** The log of the job opened from the table, followed live while the job runs. */
function LogPanel({ job, onClose }: { job: AgentJob; onClose: () => void }) {
  const id = useId();
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <section className="panel job-log-panel" aria-labelledby={`${id}-h`}>
      <div className="job-log-head">
        <h3 id={`${id}-h`} ref={heading} tabIndex={-1}>
          Log of the job of cluster {shortId(job.clusterId)} <AgentStatusBadge status={job.status} />
        </h3>
        <button type="button" className="button button-small" onClick={onClose}>
          Close log
        </button>
      </div>
      <JobLog
        jobId={job.id}
        live={isActiveJob(job)}
        label={`Log of job ${job.id}`}
        onEnd={() => void queryClient.invalidateQueries({ queryKey: queryKeys.agentJobs(pid) })}
      />
    </section>
  );
}

/** Jobs → Agent jobs: every coding agent run of the project, with a status filter and each run's log. */
export function AgentJobs() {
  const id = useId();
  const pid = useProjectId();
  const [status, setStatus] = useState<AgentJobStatus | undefined>(undefined);
  const pages = useCursorPages(`${pid}:${status ?? ''}`);
  const jobs = useAgentJobs({ status, cursor: pages.cursor, limit: PAGE_SIZE });
  const [opened, setOpened] = useState<AgentJob | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const open = (job: AgentJob) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpened(job);
  };
  const close = () => {
    setOpened(null);
    if (opener.current?.isConnected) opener.current.focus();
  };
  // The table's copy is the fresher one while the opened job is on the page.
  const logJob = opened ? (jobs.data?.items.find((j) => j.id === opened.id) ?? opened) : null;

  return (
    <>
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={status ?? ''}
            onChange={(e) => setStatus((e.target.value || undefined) as AgentJobStatus | undefined)}
          >
            <option value="">All</option>
            {AGENT_JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {agentStatusLabel(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {jobs.isPending ? <Loading label="Loading agent jobs…" /> : null}
      {jobs.isError ? <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} /> : null}
      {jobs.data && jobs.data.items.length === 0 ? (
        <Empty
          title={status ? `No ${agentStatusLabel(status).toLowerCase()} agent jobs.` : 'No agent jobs yet.'}
        >
          Open a cluster and choose Generate fix: a coding agent drafts the fix as a pull request.
        </Empty>
      ) : null}
      {jobs.data && jobs.data.items.length > 0 ? (
        <div aria-busy={jobs.isFetching}>
          <table className="table agent-jobs-table">
            <caption className="visually-hidden">Agent jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Cluster</th>
                <th scope="col">Status</th>
                <th scope="col">Runner</th>
                <th scope="col">Created</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Files changed
                </th>
                <th scope="col">Pull request</th>
                <th scope="col">Log</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <JobRow key={job.id} job={job} open={logJob?.id === job.id} onOpen={() => open(job)} />
              ))}
            </tbody>
          </table>
          <Pager
            label="Agent job pages"
            page={pages.page}
            nextCursor={jobs.data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            busy={jobs.isPlaceholderData}
          />
        </div>
      ) : null}
      {logJob ? <LogPanel key={logJob.id} job={logJob} onClose={close} /> : null}
    </>
  );
}
