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
  pasteInto: string;
}

const WEBHOOKS: Record<WebhookKind, WebhookInfo> = {
  sentry: {
    title: 'Sentry',
    path: '/ingest/sentry',
    secret: 'sentryWebhookSecret',
    setup:
      'In Sentry: Settings → Developer Settings → Custom Integrations → an internal integration; set its Webhook URL to this address. Sentry signs with the integration’s Client Secret: paste that below, or generate one if your Sentry lets you set it.',
    pasteInto: "Sentry's integration settings",
  },
  github: {
    title: 'GitHub',
    path: '/ingest/github/webhook',
    secret: 'githubWebhookSecret',
    setup:
      'In GitHub: the repository’s Settings → Webhooks → Add webhook, with this Payload URL, content type application/json and the Issues event.',
    pasteInto: "the Secret field of GitHub's webhook settings",
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
 * One webhook's address and signing secret. A generated secret is stored first and only then shown,
 * once: the page keeps no copy after Done.
 */
export function WebhookSecret({ kind }: { kind: WebhookKind }) {
  const id = useId();
  const pid = useProjectId();
  const info = WEBHOOKS[kind];
  const project = useProjectSettings();
  const save = useSaveSecrets();
  const toast = useToast();
  const [shown, setShown] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const shownRef = useRef<HTMLInputElement>(null);
  const url = webhookUrl(pid, kind);
  const stored = project.data?.secrets[info.secret] ?? false;

  useEffect(() => {
    if (shown !== null) shownRef.current?.select();
  }, [shown]);

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

  function storePasted(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = pasted.trim();
    if (secret === '') return;
    save.mutate(secretUpdate(info.secret, secret), {
      onSuccess: () => {
        setPasted('');
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
      {shown !== null ? (
        <div className="new-key" role="status">
          <div className="field">
            <label htmlFor={`${id}-new`}>New {info.title} signing secret</label>
            <div className="copy-row">
              <input id={`${id}-new`} ref={shownRef} readOnly value={shown} spellCheck={false} />
              <CopyButton
                text={shown}
                label={`Copy the new ${info.title} signing secret`}
                targetId={`${id}-new`}
              />
            </div>
          </div>
          <p>
            Copy it now and paste it into {info.pasteInto}: it is not shown again. Until it is there,
            deliveries from {info.title} are refused.
          </p>
          <button type="button" className="button button-small" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      ) : null}
      {project.data ? (
        <>
          <p className="secret-status">
            {stored
              ? 'A signing secret is stored: unsigned deliveries are refused.'
              : 'No signing secret: deliveries are accepted only with a project API key.'}
          </p>
          <div className="actions">
            {stored ? (
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
          <form className="paste-secret" onSubmit={storePasted}>
            <div className="field">
              <label htmlFor={`${id}-paste`}>Or store a secret you already have</label>
              <div className="copy-row">
                <input
                  id={`${id}-paste`}
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  value={pasted}
                  maxLength={1_024}
                  onChange={(e) => setPasted(e.target.value)}
                />
                <button
                  type="submit"
                  className="button button-small"
                  disabled={save.isPending || pasted.trim() === ''}
                  aria-label={`Store ${info.title} secret`}
                >
                  Store
                </button>
              </div>
            </div>
          </form>
        </>
      ) : null}
    </section>
  );
}
