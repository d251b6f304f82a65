import { useId } from 'react';
import { projectPath } from '../../api/client';
import { useProjectId } from '../../auth/project-context';
import { CopyButton } from './copy-button';
import { WebhookSecret } from './webhook-secret';

/** Sources → Webhooks: Sentry and GitHub with their signing secrets, and the addresses of the report API. */
export function WebhooksPanel() {
  const id = useId();
  const pid = useProjectId();
  const feedback = `${window.location.origin}${projectPath(pid, '/feedback')}`;
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Webhooks</h2>
      <p className="muted">
        Sentry and GitHub push reports to these addresses. A signing secret proves a delivery came from them.
      </p>
      <WebhookSecret kind="sentry" />
      <WebhookSecret kind="github" />
      <section className="webhook" aria-labelledby={`${id}-api`}>
        <h3 id={`${id}-api`}>Manual and bulk API</h3>
        <p className="muted">With a project API key (below): one report, or many at once.</p>
        <div className="field">
          <label htmlFor={`${id}-one`}>Add a report</label>
          <div className="copy-row">
            <input id={`${id}-one`} readOnly value={feedback} spellCheck={false} />
            <CopyButton text={feedback} label="Copy the report address" targetId={`${id}-one`} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-bulk`}>Import reports</label>
          <div className="copy-row">
            <input id={`${id}-bulk`} readOnly value={`${feedback}/import`} spellCheck={false} />
            <CopyButton text={`${feedback}/import`} label="Copy the import address" targetId={`${id}-bulk`} />
          </div>
        </div>
      </section>
    </section>
  );
}
