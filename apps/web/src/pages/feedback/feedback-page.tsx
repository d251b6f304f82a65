import type { FeedbackStatus } from '@fixloop/contracts';
import { useRef, useState } from 'react';
import { type FeedbackListParams, useFeedbackList } from '../../api/feedback';
import { useProjectId } from '../../auth/project-context';
import { Pager, useCursorPages } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { AddFeedbackForm } from './add-feedback-form';
import { FeedbackRow } from './feedback-row';
import { ImportPanel } from './import-panel';

const SOURCES = ['manual', 'github', 'reddit', 'sentry'];

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
  const results = useRef<HTMLElement>(null);

  return (
    <section className="page" aria-labelledby="feedback-heading">
      <div className="page-header">
        <h1 id="feedback-heading">Feedback</h1>
      </div>
      <div className="feedback-intake">
        <AddFeedbackForm />
        <ImportPanel />
      </div>
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
        <section
          ref={results}
          tabIndex={-1}
          aria-label="Feedback list"
          aria-busy={list.isFetching}
          className={list.isPlaceholderData ? 'feedback-results stale' : 'feedback-results'}
        >
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
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((item) => (
                  <FeedbackRow key={item.id} item={item} onRemoved={() => results.current?.focus()} />
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
        </section>
      ) : null}
    </section>
  );
}
