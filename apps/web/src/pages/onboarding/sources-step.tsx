import type { RepositorySettings } from '@fixloop/contracts';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import {
  useLoadSampleFeedback,
  usePollReddit,
  useSaveSubreddits,
  useSyncGithubRepo,
} from '../../api/sources';
import { useToast } from '../../components/toast';
import { parseSubreddits } from '../sources/parse-inputs';
import { WebhookSecret } from '../sources/webhook-secret';
import { StepHeading } from './setup-steps';

/**
 * Step 3: where reports come from — the repository's issues, subreddits, Sentry — or the bundled
 * sample reports to try Fixloop without connecting anything.
 */
export function SourcesStep({
  repository,
  connectedNow,
  onBack,
  onFinished,
}: {
  /** The project's repository, if it has one. */
  repository: RepositorySettings | null;
  /** Whether it was connected in the previous step (its issues are then synced unless unticked). */
  connectedNow: boolean;
  onBack: () => void;
  onFinished: () => void;
}) {
  const id = useId();
  const toast = useToast();
  const sync = useSyncGithubRepo();
  const saveSubreddits = useSaveSubreddits();
  const pollReddit = usePollReddit();
  const sample = useLoadSampleFeedback();
  const [syncIssues, setSyncIssues] = useState(connectedNow);
  const [subreddits, setSubreddits] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [finishing, setFinishing] = useState(false);
  const busy = finishing || sample.isPending;
  const fullName = repository ? `${repository.owner}/${repository.name}` : '';

  async function finish(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFinishing(true);
    try {
      if (repository && syncIssues) {
        const r = await sync.mutateAsync({ owner: repository.owner, repo: repository.name });
        toast.success(`${fullName}: ${r.new} issues imported.`);
      }
      const names = parseSubreddits(subreddits);
      if (names.length > 0) {
        await saveSubreddits.mutateAsync(names);
        await pollReddit.mutateAsync();
        toast.success(`Polling r/${names.join(', r/')}.`);
      }
    } catch (e) {
      setError(errorMessage(e));
      setFinishing(false);
      return;
    }
    onFinished();
  }

  function loadSample() {
    setError(null);
    sample.mutate(undefined, {
      onSuccess: (r) => {
        toast.success(`${r.created} sample reports loaded. Clustering them now.`);
        onFinished();
      },
      onError: (e) => setError(`Sample reports not loaded: ${errorMessage(e)}`),
    });
  }

  return (
    <>
      <StepHeading id={`${id}-h`}>Step 3 of 3: Pick sources</StepHeading>
      <p className="muted">Choose where reports come from. Each can be changed later under Sources.</p>
      <form id={`${id}-form`} className="form" onSubmit={(e) => void finish(e)} noValidate aria-busy={busy}>
        {repository ? (
          <div className="field">
            <label className="checkbox">
              <input type="checkbox" checked={syncIssues} onChange={(e) => setSyncIssues(e.target.checked)} />
              Import the issues of {fullName} now
            </label>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-subs`}>Subreddits to poll (optional)</label>
          <input
            id={`${id}-subs`}
            placeholder="e.g. acmeapp, acme_support"
            value={subreddits}
            onChange={(e) => setSubreddits(e.target.value)}
            aria-describedby={`${id}-subs-hint`}
          />
          <p id={`${id}-subs-hint`} className="hint">
            Names separated by commas. Their newest posts are read every few minutes.
          </p>
        </div>
      </form>
      {/* Outside the form above: the webhook panel has a form of its own. */}
      <WebhookSecret kind="sentry" />
      {error !== null ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" form={`${id}-form`} className="button button-primary" disabled={busy}>
          {finishing ? 'Finishing…' : 'Finish setup'}
        </button>
        <button type="button" className="button button-quiet" disabled={busy} onClick={onBack}>
          Back
        </button>
      </div>
      <div className="sample-choice">
        <h3>Or try Fixloop with sample data</h3>
        <p className="muted">
          About 40 example bug reports, marked as source “sample”, clustered like real ones.
        </p>
        <button type="button" className="button" disabled={busy} onClick={loadSample}>
          {sample.isPending ? 'Loading sample reports…' : 'Load sample reports'}
        </button>
      </div>
    </>
  );
}
