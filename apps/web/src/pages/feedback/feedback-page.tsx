import type { FeedbackItem, FeedbackStatus } from '@fixloop/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { type FeedbackListParams, useFeedbackList } from '../../api/feedback';
import { useProjectId } from '../../auth/project-context';
import { SourceBadge } from '../../components/badges';
import { Pager, useCursorPages } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useDebounced } from '../../components/use-debounced';
import { AddFeedbackForm } from './add-feedback-form';

const SOURCES = ['manual', 'github', 'reddit', 'sentry'];

function FeedbackRow({ item }: { item: FeedbackItem }) {
  const title = item.title || item.body.slice(0, 80) || 'Untitled report';
  return (
    <tr>
      <td data-label="Report" className="cell-title">
        {item.url && /^https?:\/\//.test(item.url) ? (
          <a href={item.url} target="_blank" rel="noopener noreferrer">
            {title}
          </a>
        ) : (
          title
        )}
        <div className="muted">
          <code className="id">{item.id}</code>
        </div>
      </td>
      <td data-label="Source">
        <SourceBadge source={item.source} />
      </td>
      <td data-label="Status">{item.status}</td>
      <td data-label="Cluster">
        {item.clusterId ? (
          <Link to={`/clusters/${encodeURIComponent(item.clusterId)}`}>Open cluster</Link>
        ) : (
          <span className="muted">waiting</span>
        )}
      </td>
      <td data-label="Created">
        <RelativeTime iso={item.createdAt} />
      </td>
    </tr>
  );
}

export function FeedbackPage() {
  const pid = useProjectId();
  const [source, setSource] = useState('');
  const [status, setStatus] = useState<FeedbackStatus | ''>('');
  const [clustered, setClustered] = useState<'' | 'true' | 'false'>('');
  const [draft, setDraft] = useState('');
  const q = useDebounced(draft.trim().slice(0, 200), 300);
  const pages = useCursorPages(`${pid}|${source}|${status}|${clustered}|${q}`);
  const params: FeedbackListParams = {
    source: source || undefined,
    status: status || undefined,
    clustered: clustered || undefined,
    q: q || undefined,
    cursor: pages.cursor,
    limit: 25,
  };
  const list = useFeedbackList(params);

  return (
    <section className="page" aria-labelledby="feedback-heading">
      <div className="page-header">
        <h1 id="feedback-heading">Feedback</h1>
      </div>
      <AddFeedbackForm />
      <div className="toolbar">
        <form
          className="field field-inline search-field"
          aria-label="Search feedback"
          onSubmit={(e) => e.preventDefault()}
        >
          <label htmlFor="feedback-search">Search</label>
          <input
            id="feedback-search"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </form>
        <div className="field field-inline">
          <label htmlFor="feedback-source">Source</label>
          <select id="feedback-source" value={source} onChange={(e) => setSource(e.target.value)}>
            <option value="">All sources</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="feedback-status">Status</label>
          <select
            id="feedback-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as FeedbackStatus | '')}
          >
            <option value="">Open and closed</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="feedback-clustered">Clustering</label>
          <select
            id="feedback-clustered"
            value={clustered}
            onChange={(e) => setClustered(e.target.value as '' | 'true' | 'false')}
          >
            <option value="">Any</option>
            <option value="true">Clustered</option>
            <option value="false">Waiting</option>
          </select>
        </div>
      </div>
      {list.isPending ? <Loading label="Loading feedback…" /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <div aria-busy={list.isFetching} className={list.isPlaceholderData ? 'stale' : undefined}>
          {list.data.items.length > 0 ? (
            <table className="table">
              <caption className="visually-hidden">Feedback, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Cluster</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((item) => (
                  <FeedbackRow key={item.id} item={item} />
                ))}
              </tbody>
            </table>
          ) : (
            <Empty title={list.data.nextCursor ? 'Nothing on this page matched.' : 'No feedback matches.'}>
              {list.data.nextCursor ? 'More may match further on: try Next.' : null}
            </Empty>
          )}
          <Pager
            label="Feedback pages"
            page={pages.page}
            nextCursor={list.data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            busy={list.isFetching}
          />
        </div>
      ) : null}
    </section>
  );
}
