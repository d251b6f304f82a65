import type { ClusterMember } from '@fixloop/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { useSplitCluster } from '../../api/clusters';
import { SourceBadge } from '../../components/badges';
import { ConfidenceBar } from '../../components/confidence-bar';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';

const EXCERPT = 280;

function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const protocol = new URL(url).protocol;
  return protocol === 'http:' || protocol === 'https:' ? url : undefined;
}

function Member({
  item,
  selected,
  onToggle,
}: {
  item: ClusterMember;
  selected: boolean;
  onToggle: (on: boolean) => void;
}) {
  const title = item.title || item.body.slice(0, 80) || 'Untitled report';
  const url = safeUrl(item.url);
  const body = item.body.length > EXCERPT ? `${item.body.slice(0, EXCERPT)}…` : item.body;
  return (
    <li className={`member${selected ? ' selected' : ''}`}>
      <input
        type="checkbox"
        className="member-check"
        checked={selected}
        onChange={(e) => onToggle(e.target.checked)}
        aria-label={`Select “${title}”`}
      />
      <div className="member-main">
        <div className="member-head">
          <SourceBadge source={item.source} />
          {url ? (
            <a href={url} target="_blank" rel="noopener noreferrer" className="member-title">
              {title}
              <span className="visually-hidden"> (opens the original in a new tab)</span>
            </a>
          ) : (
            <span className="member-title">{title}</span>
          )}
          {item.pinned ? (
            <span className="badge pinned" title="Placed by a person: clustering never moves it">
              pinned
            </span>
          ) : null}
        </div>
        {body && body !== title ? <p className="member-body">{body}</p> : null}
        <p className="member-meta muted">
          <RelativeTime iso={item.createdAt} />
          {item.author ? <> · {item.author}</> : null} · <code className="id">{item.id}</code>
        </p>
      </div>
      <div className="member-fit">
        <ConfidenceBar similarity={item.similarity} sharedTerms={item.sharedTerms} />
      </div>
    </li>
  );
}

/** The cluster's reports, each selectable for a split. */
export function MembersList({
  clusterId,
  items,
  size,
}: {
  clusterId: string;
  items: readonly ClusterMember[];
  size: number;
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const split = useSplitCluster(clusterId);
  const toast = useToast();
  const chosen = items.filter((i) => selected.has(i.id)).map((i) => i.id);
  const all = chosen.length > 0 && chosen.length >= size;

  function toggle(id: string, on: boolean) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function submitSplit() {
    split.mutate(chosen, {
      onSuccess: (created) => {
        toast.success(
          `Split ${chosen.length} ${chosen.length === 1 ? 'report' : 'reports'} into “${created.title}”.`,
        );
        setSelected(new Set());
      },
      onError: (e) => toast.error(`Split failed: ${errorMessage(e)}`),
    });
  }

  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          className="button"
          disabled={chosen.length === 0 || all || split.isPending}
          onClick={submitSplit}
          aria-describedby="split-hint"
        >
          {split.isPending ? 'Splitting…' : `Split selected (${chosen.length}) into a new cluster`}
        </button>
        <span id="split-hint" className="hint">
          {all
            ? 'At least one report must stay in this cluster.'
            : 'Select the reports that describe a different problem.'}
        </span>
        {split.data ? (
          <Link to={`/clusters/${encodeURIComponent(split.data.id)}`}>Open the new cluster</Link>
        ) : null}
      </div>
      {items.length < size ? (
        <p className="muted">
          Showing the newest {items.length} of {size} reports.
        </p>
      ) : null}
      <ul className="members">
        {items.map((item) => (
          <Member
            key={item.id}
            item={item}
            selected={selected.has(item.id)}
            onToggle={(on) => toggle(item.id, on)}
          />
        ))}
      </ul>
    </>
  );
}
