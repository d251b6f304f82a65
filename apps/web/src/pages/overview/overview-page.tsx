import type { DailyCounts, Overview } from '@fixloop/contracts';
import { Link } from 'react-router';
import { useOverview } from '../../api/overview';
import { SourceBadges, StatusBadge } from '../../components/badges';
import { Sparkline } from '../../components/sparkline';
import { ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';

/** Reports per day, all sources together, as bars. */
function DailyBars({ daily }: { daily: DailyCounts }) {
  const totals = daily.days.map((_, i) =>
    Object.values(daily.bySource).reduce((sum, counts) => sum + (counts[i] ?? 0), 0),
  );
  const max = Math.max(...totals, 1);
  const width = 600;
  const height = 120;
  const bar = width / Math.max(totals.length, 1);
  const sum = totals.reduce((a, b) => a + b, 0);
  const name = `${sum} reports over the last ${totals.length} days`;
  return (
    <svg className="daily-bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={name}>
      <title>{name}</title>
      {totals.map((t, i) => {
        const h = (t / max) * (height - 4);
        return (
          <rect
            key={daily.days[i] ?? i}
            x={i * bar + 1}
            y={height - h}
            width={Math.max(bar - 2, 1)}
            height={h}
          >
            <title>{`${daily.days[i] ?? ''}: ${t}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function OverviewView({ overview }: { overview: Overview }) {
  const { clustering } = overview;
  return (
    <>
      <dl className="stats">
        <Stat label="Reports" value={overview.total} />
        <Stat label="Waiting to cluster" value={overview.unclustered} />
        <Stat label="Clustering" value={clustering.isClustering ? 'running' : 'idle'} />
        <div className="stat">
          <dt>By source</dt>
          <dd>
            <SourceBadges counts={overview.countsBySource} />
          </dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="daily-heading">
        <h2 id="daily-heading">Reports per day</h2>
        <DailyBars daily={overview.daily} />
      </section>
      <section className="panel" aria-labelledby="top-heading">
        <h2 id="top-heading">Trending clusters</h2>
        {overview.topClusters.length === 0 ? (
          <p className="muted">No clusters yet.</p>
        ) : (
          <ul className="top-clusters">
            {overview.topClusters.map((c) => (
              <li key={c.id}>
                <Link to={`/clusters/${encodeURIComponent(c.id)}`}>{c.title || 'Untitled cluster'}</Link>
                <span className="muted">{c.size} reports</span>
                <Sparkline values={c.trend} />
                <StatusBadge status={c.status} />
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/clusters">All clusters →</Link>
        </p>
      </section>
      <section className="panel" aria-labelledby="recent-jobs-heading">
        <h2 id="recent-jobs-heading">Recent clustering runs</h2>
        {overview.recentJobs.length === 0 ? (
          <p className="muted">No runs yet.</p>
        ) : (
          <ul className="plain-list">
            {overview.recentJobs.slice(0, 5).map((j) => (
              <li key={j.id}>
                <span className={`badge job-${j.status}`}>{j.status}</span> {j.kind},{' '}
                <RelativeTime iso={j.finishedAt ?? j.startedAt ?? j.createdAt} /> — {j.stats.clustered}{' '}
                clustered, {j.stats.newClusters} new clusters
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/jobs">All jobs →</Link>
        </p>
      </section>
    </>
  );
}

export function OverviewPage() {
  const overview = useOverview();
  return (
    <section className="page" aria-labelledby="overview-heading">
      <div className="page-header">
        <h1 id="overview-heading">Overview</h1>
      </div>
      {overview.isPending ? <Loading label="Loading the overview…" /> : null}
      {overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : null}
      {overview.data ? <OverviewView overview={overview.data} /> : null}
    </section>
  );
}
