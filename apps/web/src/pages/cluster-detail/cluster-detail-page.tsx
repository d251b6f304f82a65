import type { ClusterDetail, ClusterPatch, ClusterStatus } from '@fixloop/contracts';
import { Link, useParams } from 'react-router';
import { errorMessage, isApiError } from '../../api/client';
import { useCluster, usePatchCluster } from '../../api/clusters';
import { CLUSTER_STATUSES, SourceBadges, statusLabel } from '../../components/badges';
import { Sparkline } from '../../components/sparkline';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatDateTime, RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';
import { ClusterTitle } from './cluster-title';
import { CodingPlanPanel } from './coding-plan-panel';
import { HistoryList } from './history-list';
import { MembersList } from './members-list';
import { MergePicker } from './merge-picker';
import { MoveItemsForm } from './move-items-form';

function Facts({ cluster }: { cluster: ClusterDetail }) {
  return (
    <dl className="facts">
      <div>
        <dt>Reports</dt>
        <dd>{cluster.size}</dd>
      </div>
      <div>
        <dt>Reporters</dt>
        <dd>{cluster.reporters}</dd>
      </div>
      <div>
        <dt>First seen</dt>
        <dd>
          <time dateTime={cluster.firstSeenAt}>{formatDateTime(cluster.firstSeenAt)}</time>
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd>
          <RelativeTime iso={cluster.lastSeenAt} />
        </dd>
      </div>
      <div>
        <dt>Cohesion</dt>
        <dd>{Math.round(cluster.cohesion * 100)}%</dd>
      </div>
      <div>
        <dt>Sources</dt>
        <dd>
          <SourceBadges counts={cluster.countsBySource} />
        </dd>
      </div>
      <div>
        <dt>Trend</dt>
        <dd>
          <Sparkline values={cluster.trend} width={160} height={32} />
        </dd>
      </div>
    </dl>
  );
}

function ClusterView({ cluster }: { cluster: ClusterDetail }) {
  const patch = usePatchCluster(cluster.id);
  const toast = useToast();

  function apply(change: ClusterPatch, done: string) {
    patch.mutate(change, {
      onSuccess: () => toast.success(done),
      onError: (e) => toast.error(`Not saved: ${errorMessage(e)}`),
    });
  }

  return (
    <article className="page cluster-detail" aria-labelledby="cluster-heading">
      <p>
        <Link to="/clusters">← All clusters</Link>
      </p>
      <header className="detail-header">
        <ClusterTitle
          title={cluster.title}
          busy={patch.isPending}
          onRename={(title) => apply({ title }, 'Cluster renamed.')}
        />
        <div className="field field-inline">
          <label htmlFor="cluster-status">Status</label>
          <select
            id="cluster-status"
            value={cluster.status}
            onChange={(e) => {
              const status = e.target.value as ClusterStatus;
              apply({ status }, `Status set to ${statusLabel(status)}.`);
            }}
          >
            {CLUSTER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
      </header>
      <Facts cluster={cluster} />

      <div className="detail-grid">
        <div className="detail-main">
          <section className="panel" aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <p className="summary">{cluster.summary || 'No summary yet.'}</p>
            {cluster.terms.length > 0 ? (
              <>
                <h3 className="subheading">Distinctive terms</h3>
                <ul className="chips">
                  {cluster.terms.map((t) => (
                    <li key={t} className="chip">
                      {t}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>

          <section className="panel" aria-labelledby="reports-heading">
            <h2 id="reports-heading">Reports</h2>
            {cluster.items.length === 0 ? (
              <Empty title="No reports in this cluster." />
            ) : (
              <MembersList clusterId={cluster.id} items={cluster.items} size={cluster.size} />
            )}
          </section>
        </div>

        <aside className="detail-side">
          <CodingPlanPanel />
          <section className="panel" aria-labelledby="merge-heading">
            <h2 id="merge-heading">Merge clusters</h2>
            <MergePicker clusterId={cluster.id} />
          </section>
          <section className="panel" aria-labelledby="move-heading">
            <h2 id="move-heading">Move reports in</h2>
            <MoveItemsForm clusterId={cluster.id} />
          </section>
          <section className="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">History</h2>
            <HistoryList clusterId={cluster.id} />
          </section>
        </aside>
      </div>
    </article>
  );
}

export function ClusterDetailPage() {
  const { id = '' } = useParams();
  const cluster = useCluster(id);
  if (cluster.isPending) return <Loading label="Loading cluster…" />;
  if (cluster.isError) {
    if (isApiError(cluster.error) && cluster.error.status === 404) {
      return (
        <Empty title="This cluster does not exist (any more).">
          It may have been merged into another cluster. <Link to="/clusters">Back to all clusters</Link>
        </Empty>
      );
    }
    return <ErrorState error={cluster.error} onRetry={() => void cluster.refetch()} />;
  }
  return <ClusterView key={cluster.data.id} cluster={cluster.data} />;
}
