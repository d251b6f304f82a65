import type { HistoryEntry } from '@fixloop/contracts';
import { Link } from 'react-router';
import { useClusterHistory } from '../../api/clusters';
import { statusLabel } from '../../components/badges';
import { ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';

function count(value: unknown, one: string, many: string): string {
  const n = Array.isArray(value) ? value.length : 0;
  return `${n} ${n === 1 ? one : many}`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describe(entry: HistoryEntry) {
  const d = entry.details;
  switch (entry.action) {
    case 'rename':
      return (
        <>
          Renamed from “{str(d.from)}” to “{str(d.to)}”
        </>
      );
    case 'summary':
      return <>Edited the summary</>;
    case 'status':
      return (
        <>
          Status {statusLabel(str(d.from))} → {statusLabel(str(d.to))}
        </>
      );
    case 'merge':
      return <>Merged {count(d.merged, 'cluster', 'clusters')} into this one</>;
    case 'split':
      if (typeof d.into === 'string') {
        return (
          <>
            Split {count(d.feedbackIds, 'report', 'reports')} off into{' '}
            <Link to={`/clusters/${encodeURIComponent(d.into)}`}>a new cluster</Link>
          </>
        );
      }
      return (
        <>
          Created by splitting {count(d.feedbackIds, 'report', 'reports')} off{' '}
          {typeof d.from === 'string' ? (
            <Link to={`/clusters/${encodeURIComponent(d.from)}`}>another cluster</Link>
          ) : null}
        </>
      );
    case 'move':
      if (typeof d.to === 'string') {
        return (
          <>
            {count(d.feedbackIds, 'report', 'reports')} moved to{' '}
            <Link to={`/clusters/${encodeURIComponent(d.to)}`}>another cluster</Link>
          </>
        );
      }
      return <>Moved {count(d.feedbackIds, 'report', 'reports')} in</>;
    case 'created':
      return <>Created</>;
    default:
      return <>{String(entry.action)}</>;
  }
}

function actorLabel(actor: string): string {
  if (actor === 'admin') return 'admin key';
  if (actor.startsWith('key:')) return `key ${actor.slice(4, 12)}`;
  return actor;
}

/** Who changed what in this cluster, newest first. */
export function HistoryList({ clusterId }: { clusterId: string }) {
  const history = useClusterHistory(clusterId);
  if (history.isPending) return <Loading label="Loading history…" />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  if (history.data.items.length === 0) return <p className="muted">No changes yet.</p>;
  return (
    <ol className="history">
      {history.data.items.map((entry) => (
        <li key={`${entry.at}|${entry.action}|${entry.actor}|${JSON.stringify(entry.details)}`}>
          <span className="history-what">{describe(entry)}</span>
          <span className="muted">
            {' '}
            · {actorLabel(entry.actor)} · <RelativeTime iso={entry.at} />
          </span>
        </li>
      ))}
    </ol>
  );
}
