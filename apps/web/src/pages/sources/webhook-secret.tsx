import type { SecretsUpdate } from '@fixloop/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { errorMessage, projectPath } from '../../api/client';
import { useProjectSettings, useSaveSecrets } from '../../api/projects';
import { useProjectId } from '../../auth/project-context';
import { ErrorState, Loading } from '../../components/states';
import { useToast } from '../../components/toast';
import { ConfirmButton } from './confirm-button';
import { CopyButton } from './copy-button';
import { generateSecret } from './parse-inputs';

export type WebhookKind = 'sentry' | 'github';

interface WebhookInfo {
  title: string;
  path: string;
  secret: 'sentryWebhookSecret' | 'githubWebhookSecret';
  setup: string;
  /** Where a generated secret is pasted; `null` when the sender signs with a secret of its own making. */
  pasteGeneratedInto: string | null;
  /** The label of the field that stores a secret the person already has, and what to paste there. */
  pasteLabel: string;
  pasteHint: string | null;
}

const WEBHOOKS: Record<WebhookKind, WebhookInfo> = {
  sentry: {
    title: 'Sentry',
    path: '/ingest/sentry',
    secret: 'sentryWebhookSecret',
    setup:
      'In Sentry: Settings → Developer Settings → Custom Integrations → create an internal integration, set its Webhook URL to this address, and enable Alert Rule Action or subscribe to issue webhooks.',
    // Sentry signs with the integration's own Client Secret, which cannot be set there: a generated
    // secret would make every delivery fail its signature check.
    pasteGeneratedInto: null,
    pasteLabel: 'Sentry Client Secret',
    pasteHint:
      'Paste the Client Secret from Sentry → Settings → Developer Settings → your internal integration. Sentry signs every delivery with it.',
  },
  github: {
    title: 'GitHub',
    path: '/ingest/github/webhook',
    secret: 'githubWebhookSecret',
    setup:
      'In GitHub: the repository’s Settings → Webhooks → Add webhook, with this Payload URL, content type application/json and the Issues event.',
    pasteGeneratedInto: "the Secret field of GitHub's webhook settings",
    pasteLabel: 'Or store a secret you already have',
    pasteHint: null,
  },
};

/** The address a third party posts this project's webhooks to. */
export function webhookUrl(projectId: string, kind: WebhookKind): string {
  return `${window.location.origin}${projectPath(projectId, WEBHOOKS[kind].path)}`;
}

function secretUpdate(field: WebhookInfo['secret'], value: string | null): SecretsUpdate {
  const update: SecretsUpdate = {};
  update[field] = value;
  return update;
}

/**
 * One webhook's address and signing secret. A generated secret (GitHub only) is stored first and only
 * then shown, once: the page keeps no copy after Done. Sentry's secret can only be pasted.
 */
export function WebhookSecret({ kind }: { kind: WebhookKind }) {
  const id = useId();
  const pid = useProjectId();
  const info = WEBHOOKS[kind];
  const project = useProjectSettings();
  const save = useSaveSecrets();
  const toast = useToast();
  const [shown, setShown] = useState<string | null>(null);
  const url = webhookUrl(pid, kind);
  const stored = project.data?.secrets[info.secret] ?? false;
  const generatedInto = info.pasteGeneratedInto;

  function generate() {
    const secret = generateSecret();
    save.mutate(secretUpdate(info.secret, secret), {
      onSuccess: () => {
        setShown(secret);
        toast.success(`New ${info.title} signing secret stored.`);
      },
      onError: (e) => toast.error(`Secret not stored: ${errorMessage(e)}`),
    });
  }

  function store(secret: string, onStored: () => void) {
    save.mutate(secretUpdate(info.secret, secret), {
      onSuccess: () => {
        onStored();
        setShown(null);
        toast.success(`${info.title} signing secret stored.`);
      },
      onError: (e) => toast.error(`Secret not stored: ${errorMessage(e)}`),
    });
  }

  function remove() {
    save.mutate(secretUpdate(info.secret, null), {
      onSuccess: () => {
        setShown(null);
        toast.success(`${info.title} signing secret removed.`);
      },
      onError: (e) => toast.error(`Secret not removed: ${errorMessage(e)}`),
    });
  }

  return (
    <section className="webhook" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{info.title}</h3>
      <div className="field">
        <label htmlFor={`${id}-url`}>{info.title} webhook URL</label>
        <div className="copy-row">
          <input id={`${id}-url`} readOnly value={url} spellCheck={false} />
          <CopyButton text={url} label={`Copy ${info.title} webhook URL`} targetId={`${id}-url`} />
        </div>
        <p className="hint">{info.setup}</p>
      </div>
      {project.isPending ? <Loading label="Loading the secret's status…" /> : null}
      {project.isError ? <ErrorState error={project.error} onRetry={() => void project.refetch()} /> : null}
      {shown !== null && generatedInto !== null ? (
        <ShownSecret
          key={shown}
          title={info.title}
          secret={shown}
          pasteInto={generatedInto}
          onDone={() => setShown(null)}
        />
      ) : null}
      {project.data ? (
        <>
          <p className="secret-status">
            {stored
              ? 'A signing secret is stored: unsigned deliveries are refused.'
              : 'No signing secret: deliveries are accepted only with a project API key.'}
          </p>
          {generatedInto !== null || stored ? (
            <div className="actions">
              {generatedInto === null ? null : stored ? (
                <ConfirmButton
                  label="Generate new secret"
                  question={`Replace the stored ${info.title} secret?`}
                  confirmLabel="Replace secret"
                  disabled={save.isPending}
                  onConfirm={generate}
                />
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={save.isPending}
                  onClick={generate}
                >
                  Generate secret
                </button>
              )}
              {stored ? (
                <ConfirmButton
                  label="Remove secret"
                  question={`Remove the ${info.title} signing secret?`}
                  confirmLabel="Remove secret"
                  disabled={save.isPending}
                  onConfirm={remove}
                />
              ) : null}
            </div>
          ) : null}
          <PasteSecretForm info={info} disabled={save.isPending} onStore={store} />
        </>
      ) : null}
    </section>
  );
}

/** A generated secret, selected for copying, with where it goes; shown until Done. */
function ShownSecret({
  title,
  secret,
  pasteInto,
  onDone,
}: {
  title: string;
  secret: string;
  pasteInto: string;
  onDone: () => void;
}) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);

  // Keyed by the secret: each new one arrives selected, ready to copy.
  useEffect(() => ref.current?.select(), []);

  return (
    <div className="new-key" role="status">
      <div className="field">
        <label htmlFor={`${id}-new`}>New {title} signing secret</label>
        <div className="copy-row">
          <input id={`${id}-new`} ref={ref} readOnly value={secret} spellCheck={false} />
          <CopyButton text={secret} label={`Copy the new ${title} signing secret`} targetId={`${id}-new`} />
        </div>
      </div>
      <p>
        Copy it now and paste it into {pasteInto}: it is not shown again. Until it is there, deliveries from{' '}
        {title} are refused.
      </p>
      <button type="button" className="button button-small" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

/** Stores a secret the person already has (for Sentry, the only way: its Client Secret). */
function PasteSecretForm({
  info,
  disabled,
  onStore,
}: {
  info: WebhookInfo;
  disabled: boolean;
  onStore: (secret: string, onStored: () => void) => void;
}) {
  const id = useId();
  const [pasted, setPasted] = useState('');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = pasted.trim();
    if (secret !== '') onStore(secret, () => setPasted(''));
  }

  return (
    <form className="paste-secret" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-paste`}>{info.pasteLabel}</label>
        <div className="copy-row">
          <input
            id={`${id}-paste`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={pasted}
            maxLength={1_024}
            onChange={(e) => setPasted(e.target.value)}
            aria-describedby={info.pasteHint === null ? undefined : `${id}-hint`}
          />
          <button
            type="submit"
            className="button button-small"
            disabled={disabled || pasted.trim() === ''}
            aria-label={`Store ${info.title} secret`}
          >
            Store
          </button>
        </div>
        {info.pasteHint === null ? null : (
          <p id={`${id}-hint`} className="hint">
            {info.pasteHint}
          </p>
        )}
      </div>
    </form>
  );
}
