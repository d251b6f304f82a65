import { type FormEvent, useEffect, useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import {
  useGithubRepos,
  usePollReddit,
  useSaveSubreddits,
  useSubreddits,
  useSyncGithubRepo,
} from '../../api/sources';
import { ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';
import { ApiKeysPanel } from './api-keys-panel';
import { AutomationPanel } from './automation-panel';
import { BillingPanel } from './billing-panel';
import { parseRepository, parseSubreddits } from './parse-inputs';
import { RepositoryPanel } from './repository-panel';
import { WebhooksPanel } from './webhooks-panel';

function RedditSource() {
  const id = useId();
  const config = useSubreddits();
  const save = useSaveSubreddits();
  const poll = usePollReddit();
  const toast = useToast();
  const [draft, setDraft] = useState('');
  const saved = config.data?.subreddits.join(', ') ?? '';
  useEffect(() => setDraft(saved), [saved]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const subreddits = parseSubreddits(draft);
    save.mutate(subreddits, {
      onSuccess: (c) =>
        toast.success(
          c.subreddits.length ? `Polling r/${c.subreddits.join(', r/')}.` : 'Reddit polling stopped.',
        ),
      onError: (e) => toast.error(`Not saved: ${errorMessage(e)}`),
    });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Reddit</h2>
      {config.isPending ? <Loading /> : null}
      {config.isError ? <ErrorState error={config.error} onRetry={() => void config.refetch()} /> : null}
      {config.data ? (
        <form className="form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-subs`}>Subreddits</label>
            <input
              id={`${id}-subs`}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-describedby={`${id}-hint`}
            />
            <p id={`${id}-hint`} className="hint">
              Names separated by commas. The newest posts of each are polled every few minutes; an empty list
              stops polling.
            </p>
          </div>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              Save subreddits
            </button>
            <button
              type="button"
              className="button"
              disabled={poll.isPending || config.data.subreddits.length === 0}
              onClick={() =>
                poll.mutate(undefined, {
                  onSuccess: () => toast.success('Reddit poll queued.'),
                  onError: (e) => toast.error(errorMessage(e)),
                })
              }
            >
              Poll now
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function GithubSource() {
  const id = useId();
  const repos = useGithubRepos();
  const sync = useSyncGithubRepo();
  const toast = useToast();
  const [repo, setRepo] = useState('');
  const [error, setError] = useState<string | null>(null);

  function run(owner: string, name: string) {
    sync.mutate(
      { owner, repo: name },
      {
        onSuccess: (r) =>
          toast.success(`${owner}/${name}: ${r.new} new, ${r.updated} updated, ${r.closed} closed.`),
        onError: (e) => toast.error(`Sync of ${owner}/${name} failed: ${errorMessage(e)}`),
      },
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseRepository(repo);
    if (!parsed) {
      setError('Write the repository as owner/name.');
      return;
    }
    setError(null);
    run(parsed.owner, parsed.name);
  }

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>GitHub issues</h2>
      {repos.isPending ? <Loading /> : null}
      {repos.isError ? <ErrorState error={repos.error} onRetry={() => void repos.refetch()} /> : null}
      {repos.data && repos.data.length === 0 ? <p className="muted">No repository synced yet.</p> : null}
      {repos.data && repos.data.length > 0 ? (
        <ul className="plain-list">
          {repos.data.map((r) => (
            <li key={`${r.owner}/${r.repo}`} className="repo-row">
              <strong>
                {r.owner}/{r.repo}
              </strong>{' '}
              <span className="muted">
                last synced {r.at ? <RelativeTime iso={r.at} /> : 'never'} ({r.new} new, {r.updated} updated,{' '}
                {r.closed} closed)
              </span>{' '}
              <button
                type="button"
                className="button button-small"
                disabled={sync.isPending}
                onClick={() => run(r.owner, r.repo)}
              >
                Sync {r.owner}/{r.repo} now
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-repo`}>Repository to sync</label>
          <input
            id={`${id}-repo`}
            placeholder="owner/name"
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error !== null ? `${id}-err` : undefined}
          />
        </div>
        {error !== null ? (
          <p id={`${id}-err`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={sync.isPending}>
          {sync.isPending ? 'Syncing…' : 'Sync'}
        </button>
      </form>
    </section>
  );
}

export function SourcesPage() {
  return (
    <section className="page" aria-labelledby="sources-heading">
      <div className="page-header">
        <h1 id="sources-heading">Sources</h1>
      </div>
      <div className="sources-grid">
        <RepositoryPanel />
        <AutomationPanel />
        <GithubSource />
        <RedditSource />
        <WebhooksPanel />
        <ApiKeysPanel />
        <BillingPanel />
      </div>
    </section>
  );
}
