import type { CodingPlan, PlanRisk } from '@fixloop/contracts';
import { SourceBadge } from '../../components/badges';
import { RelativeTime } from '../../components/time';

const SOURCE_LABELS: Record<CodingPlan['source'], string> = {
  llm: 'Written by a model',
  offline: 'Drafted offline',
  edited: 'Edited by a person',
};

export function RiskBadge({ risk }: { risk: PlanRisk }) {
  return <span className={`badge risk-${risk}`}>Risk: {risk}</span>;
}

function TextList({ title, items, ordered = false }: { title: string; items: string[]; ordered?: boolean }) {
  if (items.length === 0) return null;
  const children = items.map((item, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: lines of a plan may repeat; their order is their identity
    <li key={i}>{item}</li>
  ));
  return (
    <>
      <h4 className="plan-subheading">{title}</h4>
      {ordered ? <ol className="plan-list">{children}</ol> : <ul className="plan-list">{children}</ul>}
    </>
  );
}

/** A coding plan as a person reads it: what is wrong, where, how to fix and check it, and its evidence. */
export function PlanView({ plan }: { plan: CodingPlan }) {
  const cited = plan.citations.length;
  return (
    <div className="plan">
      <h3 className="plan-title">{plan.title}</h3>
      <p className="badges">
        <RiskBadge risk={plan.risk} />
        <span className={`badge plan-source-${plan.source}`}>{SOURCE_LABELS[plan.source]}</span>
      </p>
      {plan.summary ? <p className="summary">{plan.summary}</p> : null}
      <TextList title="Hypotheses" items={plan.hypotheses} />
      {plan.candidateFiles.length > 0 ? (
        <>
          <h4 className="plan-subheading">Candidate files</h4>
          <ul className="plan-list plan-files">
            {plan.candidateFiles.map((f, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a path may be listed twice; its place is its identity
              <li key={i}>
                <code>{f.path}</code>
                {f.reason ? <span className="muted"> — {f.reason}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <TextList title="Steps" items={plan.steps} ordered />
      {plan.validation.length > 0 ? (
        <>
          <h4 className="plan-subheading">Validation</h4>
          <ul className="plan-commands">
            {plan.validation.map((command, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a command may repeat; its place is its identity
              <li key={i}>
                <code>{command}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {cited > 0 ? (
        <details className="plan-citations">
          <summary>
            Based on {cited} report{cited === 1 ? '' : 's'}
          </summary>
          <ul className="plan-list">
            {plan.citations.map((c) => (
              <li key={c.feedbackId}>
                {c.url ? (
                  <a href={c.url} target="_blank" rel="noopener noreferrer">
                    {c.title}
                    <span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                ) : (
                  c.title
                )}{' '}
                <SourceBadge source={c.source} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <p className="hint">
        Updated <RelativeTime iso={plan.updatedAt} />
        {plan.repositoryCommit ? (
          <>
            {' '}
            from commit <code>{plan.repositoryCommit.slice(0, 10)}</code>
          </>
        ) : null}
        .
      </p>
    </div>
  );
}
