import type { Cluster } from '@fixloop/contracts';
import { useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useClusterSearch, useMergeClusters } from '../../api/clusters';
import { StatusBadge } from '../../components/badges';
import { useToast } from '../../components/toast';
import { useDebounced } from '../../components/use-debounced';

/** Find other clusters by title, summary or term and merge them into this one. */
export function MergePicker({ clusterId }: { clusterId: string }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const search = useClusterSearch(q);
  const [chosen, setChosen] = useState<Map<string, Pick<Cluster, 'id' | 'title' | 'size'>>>(new Map());
  const merge = useMergeClusters(clusterId);
  const toast = useToast();

  const results = (search.data?.items ?? []).filter((c) => c.id !== clusterId);

  function toggle(cluster: Cluster, on: boolean) {
    setChosen((prev) => {
      const next = new Map(prev);
      if (on) next.set(cluster.id, { id: cluster.id, title: cluster.title, size: cluster.size });
      else next.delete(cluster.id);
      return next;
    });
  }

  function submit() {
    const ids = [...chosen.keys()];
    merge.mutate(ids, {
      onSuccess: (merged) => {
        toast.success(
          `Merged ${ids.length} ${ids.length === 1 ? 'cluster' : 'clusters'} into this one (${merged.size} reports).`,
        );
        setChosen(new Map());
        setQuery('');
      },
      onError: (e) => toast.error(`Merge failed: ${errorMessage(e)}`),
    });
  }

  const count = chosen.size;
  return (
    <div className="merge-picker">
      <div className="field">
        <label htmlFor={`${id}-q`}>Find clusters to merge</label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          maxLength={200}
          placeholder="Title, summary or term"
          onChange={(e) => setQuery(e.target.value)}
          aria-describedby={`${id}-hint`}
        />
        <p id={`${id}-hint`} className="hint">
          Their reports move into this cluster; the merged clusters are deleted.
        </p>
      </div>
      {q.trim() !== '' ? (
        <div aria-live="polite" aria-busy={search.isFetching}>
          {search.isError ? <p className="field-error">{errorMessage(search.error)}</p> : null}
          {search.data && results.length === 0 ? (
            <p className="muted">No other cluster matches “{q.trim()}”.</p>
          ) : null}
          {results.length > 0 ? (
            <fieldset className="pick-list">
              <legend className="visually-hidden">Matching clusters</legend>
              {results.map((c) => (
                <label key={c.id} className="pick-item">
                  <input
                    type="checkbox"
                    checked={chosen.has(c.id)}
                    onChange={(e) => toggle(c, e.target.checked)}
                  />
                  <span className="pick-title">{c.title || 'Untitled cluster'}</span>
                  <span className="muted">
                    {c.size} {c.size === 1 ? 'report' : 'reports'}
                  </span>
                  <StatusBadge status={c.status} />
                </label>
              ))}
            </fieldset>
          ) : null}
        </div>
      ) : null}
      {count > 0 ? (
        <div className="chosen">
          <p className="chosen-label">Selected to merge:</p>
          <ul className="chips">
            {[...chosen.values()].map((c) => (
              <li key={c.id} className="chip">
                {c.title || 'Untitled cluster'}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove ${c.title || 'untitled cluster'}`}
                  onClick={() =>
                    setChosen((prev) => {
                      const next = new Map(prev);
                      next.delete(c.id);
                      return next;
                    })
                  }
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <button
        type="button"
        className="button button-primary"
        disabled={count === 0 || merge.isPending}
        onClick={submit}
      >
        {merge.isPending
          ? 'Merging…'
          : `Merge ${count === 0 ? '' : `${count} `}${count === 1 ? 'cluster' : 'clusters'} into this one`}
      </button>
    </div>
  );
}
