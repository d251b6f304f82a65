import type { ClusterSort, ClusterStatus } from '@fixloop/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useClusteringStatus } from '../../api/clustering';
import { type ClusterListParams, useClusterList } from '../../api/clusters';
import { useProjectId } from '../../auth/project-context';
import { CLUSTER_STATUSES, statusLabel } from '../../components/badges';
import { Pager, useCursorPages } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { Tabs } from '../../components/tabs';
import { useDebounced } from '../../components/use-debounced';
import { ClustersTable } from './clusters-table';

type View = 'clusters' | 'outliers';
const VIEWS = [
  { key: 'clusters', label: 'Clusters' },
  { key: 'outliers', label: 'Outliers' },
] as const;

const SORTS: { value: ClusterSort; label: string }[] = [
  { value: 'size', label: 'Size' },
  { value: 'recent', label: 'Recently changed' },
  { value: 'trend', label: 'Trending (7 days)' },
];

export const PAGE_SIZE = 25;

function readParams(search: URLSearchParams) {
  const view: View = search.get('view') === 'outliers' ? 'outliers' : 'clusters';
  const sortParam = search.get('sort');
  const sort: ClusterSort = SORTS.some((s) => s.value === sortParam) ? (sortParam as ClusterSort) : 'size';
  const statusParam = search.get('status');
  const status = CLUSTER_STATUSES.find((s) => s === statusParam);
  const q = (search.get('q') ?? '').trim().slice(0, 200);
  return { view, sort, status, q };
}

/** The cluster list: filters live in the URL, pages are server-side cursors. */
export function ClustersPage() {
  const pid = useProjectId();
  const [search, setSearch] = useSearchParams();
  const { view, sort, status, q } = readParams(search);

  const update = (changes: Record<string, string | undefined>) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === undefined || v === '') next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );

  const [draft, setDraft] = useState(q);
  const settled = useDebounced(draft, 300);
  // Typing searches once the input settles; a change of the URL (back button) shows in the box.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft should write the URL
  useEffect(() => {
    if (settled.trim() !== q) update({ q: settled.trim() });
  }, [settled]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: mirror the URL into the box when it changes
  useEffect(() => {
    if (q !== draft.trim()) setDraft(q);
  }, [q]);

  const filterKey = `${pid}|${view}|${sort}|${status ?? ''}|${q}`;
  const pages = useCursorPages(filterKey);
  const params: ClusterListParams = {
    sort,
    status,
    q: q === '' ? undefined : q,
    ...(view === 'outliers' ? { minSize: 1, maxSize: 1 } : {}),
    cursor: pages.cursor,
    limit: PAGE_SIZE,
  };
  const list = useClusterList(params);
  const filtered = status !== undefined || q !== '';
  // With no cluster yet, a run under way (first reports, sample data) is worth waiting for: the
  // layout's clustering indicator refreshes this list when the run ends.
  const clustering = useClusteringStatus().data;
  const pending = clustering?.pendingCount ?? 0;
  const clusteringNow = clustering?.isClustering === true || pending > 0;

  function submitSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update({ q: draft.trim() });
  }

  return (
    <section className="page" aria-labelledby="clusters-heading">
      <div className="page-header">
        <h1 id="clusters-heading">Clusters</h1>
      </div>
      <Tabs
        items={VIEWS}
        selected={view}
        onSelect={(v) => update({ view: v === 'clusters' ? undefined : v })}
        label="Cluster lists"
        idPrefix="clusters"
      />
      <div id="clusters-panel" role="tabpanel" aria-labelledby={`clusters-tab-${view}`} className="tab-panel">
        {view === 'outliers' ? (
          <p className="muted">
            Reports that matched no other report yet. Move one into a cluster from the cluster's page, or
            leave it: a later run groups it when similar reports arrive.
          </p>
        ) : null}
        <div className="toolbar">
          <form
            className="field field-inline search-field"
            onSubmit={submitSearch}
            aria-label="Search clusters"
          >
            <label htmlFor="clusters-search">Search</label>
            <input
              id="clusters-search"
              type="search"
              placeholder="Title, summary or term"
              value={draft}
              maxLength={200}
              onChange={(e) => setDraft(e.target.value)}
            />
          </form>
          <div className="field field-inline">
            <label htmlFor="clusters-status">Status</label>
            <select
              id="clusters-status"
              value={status ?? ''}
              onChange={(e) => update({ status: e.target.value })}
            >
              <option value="">All statuses</option>
              {CLUSTER_STATUSES.map((s: ClusterStatus) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-inline">
            <label htmlFor="clusters-sort">Sort by</label>
            <select
              id="clusters-sort"
              value={sort}
              onChange={(e) => update({ sort: e.target.value === 'size' ? undefined : e.target.value })}
            >
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </div>

        {list.isPending ? <Loading label="Loading clusters…" /> : null}
        {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data ? (
          <div aria-busy={list.isFetching} className={list.isPlaceholderData ? 'stale' : undefined}>
            {list.data.items.length > 0 ? (
              <ClustersTable clusters={list.data.items} sort={sort} />
            ) : list.data.nextCursor !== undefined ? (
              <Empty title="Nothing on this page matched.">
                More clusters may match further on: try Next.
              </Empty>
            ) : filtered ? (
              <Empty title="No clusters match these filters.">
                <button
                  type="button"
                  className="button"
                  onClick={() => update({ q: undefined, status: undefined })}
                >
                  Clear filters
                </button>
              </Empty>
            ) : view === 'outliers' ? (
              <Empty title="No outliers.">Every clustered report matched at least one other.</Empty>
            ) : clusteringNow ? (
              <Loading
                label={`Clustering ${pending > 0 ? `${pending} reports` : 'reports'}… Clusters appear here when the run ends.`}
              />
            ) : (
              <Empty title="No clusters yet.">
                Reports are clustered shortly after they arrive. Single reports wait under Outliers.
              </Empty>
            )}
            <Pager
              label="Cluster pages"
              page={pages.page}
              nextCursor={list.data.nextCursor}
              onNext={pages.next}
              onPrevious={pages.previous}
              busy={list.isFetching}
            />
          </div>
        ) : null}
      </div>
    </section>
  );
}
