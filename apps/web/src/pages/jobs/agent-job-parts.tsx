import type { AgentJob, AgentJobStatus } from '@fixloop/contracts';

const STATUS_LABELS: Record<AgentJobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Every agent job status, in the order a job moves through them. */
export const AGENT_JOB_STATUSES = Object.keys(STATUS_LABELS) as AgentJobStatus[];

export function agentStatusLabel(status: AgentJobStatus): string {
  return STATUS_LABELS[status];
}

export function AgentStatusBadge({ status }: { status: AgentJobStatus }) {
  return <span className={`badge agent-job-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** "0.4 s", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long the job ran (or has run so far); undefined before it started. */
export function jobDuration(job: AgentJob, now: number = Date.now()): number | undefined {
  if (job.stats.durationMs !== undefined) return job.stats.durationMs;
  if (!job.startedAt) return undefined;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const ms = end - Date.parse(job.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** A link to the job's pull request, opened in a new tab. */
export function PullRequestLink({
  url,
  children = 'Draft pull request',
}: {
  url: string;
  children?: string;
}) {
  const number = /\/pull\/(\d+)\/?$/.exec(url)?.[1];
  return (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {children}
      {number ? ` #${number}` : ''}
      <span className="visually-hidden"> (opens in a new tab)</span>
      <span aria-hidden="true"> ↗</span>
    </a>
  );
}

/** What the job measured: files changed, lines added and removed, whether validation passed. */
export function JobStats({ job }: { job: AgentJob }) {
  const s = job.stats;
  const duration = jobDuration(job);
  const facts: Array<[string, string, string?]> = [['Runner', job.runner]];
  if (duration !== undefined) facts.push(['Duration', formatDuration(duration)]);
  if (s.filesChanged !== undefined) facts.push(['Files changed', String(s.filesChanged)]);
  if (s.insertions !== undefined || s.deletions !== undefined) {
    facts.push([
      'Lines',
      `+${s.insertions ?? 0} −${s.deletions ?? 0}`,
      `${s.insertions ?? 0} added, ${s.deletions ?? 0} removed`,
    ]);
  }
  if (s.validationPassed !== undefined) {
    facts.push(['Validation', s.validationPassed ? 'passed' : 'failed', undefined]);
  }
  return (
    <dl className="job-facts">
      {facts.map(([term, value, spoken]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd className={term === 'Validation' ? `validation-${value}` : undefined}>
            {spoken ? (
              <>
                <span aria-hidden="true">{value}</span>
                <span className="visually-hidden">{spoken}</span>
              </>
            ) : (
              value
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
