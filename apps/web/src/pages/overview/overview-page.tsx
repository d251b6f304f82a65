import type { Overview } from '@fixloop/contracts';
import { Link } from 'react-router';
import { useOverview } from '../../api/overview';
import { SourceBadges, StatusBadge } from '../../components/badges';
import { Sparkline } from '../../components/sparkline';
import { ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { DailyChart } from './daily-chart';

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
      {overview.total === 0 ? (
        <p className="panel">
          No reports yet. <Link to="/welcome">Set up the project's sources</Link> or load sample reports to
          try Fixloop.
        </p>
      ) : null}
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
        <DailyChart daily={overview.daily} />
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
