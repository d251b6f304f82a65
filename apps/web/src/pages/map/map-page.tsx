import type { ClusterMapPoint, ClusterStatus } from '@fixloop/contracts';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useClusterMap } from '../../api/clusters';
import { CLUSTER_STATUSES, statusLabel } from '../../components/badges';
import { Empty, ErrorState, Loading } from '../../components/states';

export const STATUS_COLORS: Record<ClusterStatus, string> = {
  new: '#2563eb',
  triaged: '#7c3aed',
  planned: '#0891b2',
  fixing: '#d97706',
  pr_opened: '#db2777',
  fixed: '#16a34a',
  ignored: '#6b7280',
};

const EXTENT = 1.12;

function radius(size: number, maxSize: number): number {
  return 0.018 + 0.07 * Math.sqrt(size / Math.max(maxSize, 1));
}

/** Points in [-1, 1]², largest drawn first so small clusters stay clickable on top. */
function ScatterPlot({ points }: { points: readonly ClusterMapPoint[] }) {
  const navigate = useNavigate();
  const maxSize = Math.max(...points.map((p) => p.size), 1);
  const ordered = [...points].sort((a, b) => b.size - a.size);
  return (
    <svg
      className="cluster-map"
      viewBox={`${-EXTENT} ${-EXTENT} ${2 * EXTENT} ${2 * EXTENT}`}
      aria-labelledby="cluster-map-title"
    >
      <title id="cluster-map-title">{`Map of ${points.length} clusters; similar clusters sit close together`}</title>
      <rect x={-EXTENT} y={-EXTENT} width={2 * EXTENT} height={2 * EXTENT} className="map-bg" />
      {ordered.map((p) => {
        const href = `/clusters/${encodeURIComponent(p.id)}`;
        const label = `${p.title || 'Untitled cluster'}: ${p.size} ${p.size === 1 ? 'report' : 'reports'}, ${statusLabel(p.status)}`;
        return (
          <a
            key={p.id}
            href={`${import.meta.env.BASE_URL.replace(/\/$/, '')}${href}`}
            aria-label={label}
            onClick={(e) => {
              e.preventDefault();
              void navigate(href);
            }}
          >
            <title>{label}</title>
            <circle
              cx={p.x}
              cy={-p.y}
              r={radius(p.size, maxSize)}
              fill={STATUS_COLORS[p.status] ?? '#6b7280'}
              className="map-point"
            />
          </a>
        );
      })}
    </svg>
  );
}

export function MapPage() {
  const [withOutliers, setWithOutliers] = useState(false);
  const map = useClusterMap(withOutliers);
  return (
    <section className="page" aria-labelledby="map-heading">
      <div className="page-header">
        <h1 id="map-heading">Map</h1>
        <label className="checkbox">
          <input type="checkbox" checked={withOutliers} onChange={(e) => setWithOutliers(e.target.checked)} />
          Show outliers
        </label>
      </div>
      <p className="muted">
        Each circle is a cluster, sized by its reports and coloured by status; clusters about similar problems
        sit close together. Select one to open it.
      </p>
      <ul className="legend" aria-label="Status colours">
        {CLUSTER_STATUSES.map((s) => (
          <li key={s}>
            <span className={`swatch swatch-${s}`} aria-hidden="true" />
            {statusLabel(s)}
          </li>
        ))}
      </ul>
      {map.isPending ? <Loading label="Loading the map…" /> : null}
      {map.isError ? <ErrorState error={map.error} onRetry={() => void map.refetch()} /> : null}
      {map.data && map.data.points.length === 0 ? (
        <Empty title="Nothing to map yet.">Clusters appear here once reports have been clustered.</Empty>
      ) : null}
      {map.data && map.data.points.length > 0 ? <ScatterPlot points={map.data.points} /> : null}
    </section>
  );
}
