import type { Cluster, ClusterSort } from '@fixloop/contracts';
import { Link } from 'react-router';
import { SourceBadges, StatusBadge } from '../../components/badges';
import { Sparkline } from '../../components/sparkline';
import { RelativeTime } from '../../components/time';

const SORT_CAPTION: Record<ClusterSort, string> = {
  size: 'largest first',
  recent: 'most recently changed first',
  trend: 'most new reports in the last 7 days first',
};

/** One page of clusters. On narrow screens each row becomes a card (see styles/narrow.css). */
export function ClustersTable({ clusters, sort }: { clusters: readonly Cluster[]; sort: ClusterSort }) {
  return (
    <table className="table clusters-table">
      <caption className="visually-hidden">Clusters, {SORT_CAPTION[sort]}</caption>
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col" className="num" aria-sort={sort === 'size' ? 'descending' : undefined}>
            Size
          </th>
          <th scope="col">Sources</th>
          <th scope="col" aria-sort={sort === 'trend' ? 'descending' : undefined}>
            Trend <span className="muted">(30 days)</span>
          </th>
          <th scope="col">Status</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {clusters.map((c) => (
          <tr key={c.id}>
            <td data-label="Title" className="cell-title">
              <Link to={`/clusters/${encodeURIComponent(c.id)}`}>{c.title || 'Untitled cluster'}</Link>
            </td>
            <td data-label="Size" className="num">
              {c.size}
            </td>
            <td data-label="Sources">
              <SourceBadges counts={c.countsBySource} />
            </td>
            <td data-label="Trend">
              <Sparkline values={c.trend} />
            </td>
            <td data-label="Status">
              <StatusBadge status={c.status} />
            </td>
            <td data-label="Last seen">
              <RelativeTime iso={c.lastSeenAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
