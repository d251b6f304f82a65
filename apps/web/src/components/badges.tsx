import type { ClusterStatus } from '@fixloop/contracts';

const STATUS_LABELS: Record<ClusterStatus, string> = {
  new: 'New',
  triaged: 'Triaged',
  planned: 'Planned',
  fixing: 'Fixing',
  pr_opened: 'PR opened',
  fixed: 'Fixed',
  ignored: 'Ignored',
};

/** Every cluster status, in workflow order (the label map above makes the list exhaustive). */
export const CLUSTER_STATUSES = Object.keys(STATUS_LABELS) as ClusterStatus[];

/** A status as people read it; an unknown value is shown as it is. */
export function statusLabel(status: string): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as ClusterStatus] : status;
}

export function StatusBadge({ status }: { status: ClusterStatus }) {
  return <span className={`badge status-${status}`}>{statusLabel(status)}</span>;
}

export function SourceBadge({ source, count }: { source: string; count?: number | undefined }) {
  return (
    <span className={`badge source source-${/^[a-z0-9_-]+$/.test(source) ? source : 'other'}`}>
      {source}
      {count !== undefined ? <span className="badge-count"> {count}</span> : null}
    </span>
  );
}

/** One badge per source, most reports first. */
export function SourceBadges({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (
    <span className="badges">
      {entries.map(([source, count]) => (
        <SourceBadge key={source} source={source} count={count} />
      ))}
    </span>
  );
}
