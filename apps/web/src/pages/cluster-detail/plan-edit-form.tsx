import type { CodingPlan, CodingPlanUpdate, PlanRisk } from '@fixloop/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';

/** The plan as the form edits it: lists are one item per line. */
export interface PlanDraft {
  title: string;
  summary: string;
  risk: PlanRisk;
  hypotheses: string;
  candidateFiles: string;
  steps: string;
  validation: string;
}

const RISKS: PlanRisk[] = ['low', 'medium', 'high'];

export function draftOf(plan: CodingPlan): PlanDraft {
  return {
    title: plan.title,
    summary: plan.summary,
    risk: plan.risk,
    hypotheses: plan.hypotheses.join('\n'),
    candidateFiles: plan.candidateFiles.map((f) => (f.reason ? `${f.path}: ${f.reason}` : f.path)).join('\n'),
    steps: plan.steps.join('\n'),
    validation: plan.validation.join('\n'),
  };
}

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** A draft as the API takes it; a candidate file line is `path: reason` (the reason is optional). */
export function updateOf(draft: PlanDraft): CodingPlanUpdate {
  return {
    title: draft.title.trim(),
    summary: draft.summary.trim(),
    risk: draft.risk,
    hypotheses: linesOf(draft.hypotheses),
    candidateFiles: linesOf(draft.candidateFiles).map((line) => {
      const at = line.indexOf(': ');
      return at < 0
        ? { path: line, reason: '' }
        : { path: line.slice(0, at).trim(), reason: line.slice(at + 2).trim() };
    }),
    steps: linesOf(draft.steps),
    validation: linesOf(draft.validation),
  };
}

interface ListField {
  key: 'hypotheses' | 'candidateFiles' | 'steps' | 'validation';
  label: string;
  hint: string;
  code?: boolean;
}

const LIST_FIELDS: ListField[] = [
  { key: 'hypotheses', label: 'Hypotheses', hint: 'One per line: what may cause the problem.' },
  {
    key: 'candidateFiles',
    label: 'Candidate files',
    hint: 'One per line: the path, then a colon and why (src/cart.ts: total() lives here).',
    code: true,
  },
  { key: 'steps', label: 'Steps', hint: 'One per line, in order.' },
  {
    key: 'validation',
    label: 'Validation commands',
    hint: 'One shell command per line, run in the sandbox after the agent.',
    code: true,
  },
];

/** The plan's edit form. The caller saves; `error` is the server's answer to the last save. */
export function PlanEditForm({
  initial,
  error,
  busy,
  onSave,
  onCancel,
}: {
  initial: PlanDraft;
  error: string | null;
  busy: boolean;
  onSave: (draft: PlanDraft) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const [titleMissing, setTitleMissing] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => titleRef.current?.focus(), []);
  const set = <K extends keyof PlanDraft>(key: K, value: PlanDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft.title.trim() === '') {
      setTitleMissing(true);
      titleRef.current?.focus();
      return;
    }
    onSave(draft);
  }

  return (
    <form className="form plan-form" onSubmit={submit} noValidate aria-label="Edit the coding plan">
      {error !== null ? (
        <p className="field-error" role="alert">
          Not saved: {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-title`}>Plan title</label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          value={draft.title}
          maxLength={300}
          onChange={(e) => {
            set('title', e.target.value);
            setTitleMissing(false);
          }}
          aria-invalid={titleMissing}
          aria-describedby={titleMissing ? `${id}-title-err` : undefined}
        />
        {titleMissing ? (
          <p id={`${id}-title-err`} className="field-error">
            The plan needs a title.
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-summary`}>Summary</label>
        <textarea
          id={`${id}-summary`}
          rows={4}
          value={draft.summary}
          onChange={(e) => set('summary', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-risk`}>Risk</label>
        <select
          id={`${id}-risk`}
          value={draft.risk}
          onChange={(e) => set('risk', e.target.value as PlanRisk)}
        >
          {RISKS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      {LIST_FIELDS.map((f) => (
        <div key={f.key} className="field">
          <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
          <textarea
            id={`${id}-${f.key}`}
            className={f.code ? 'code-input' : undefined}
            rows={4}
            spellCheck={f.code ? false : undefined}
            value={draft[f.key]}
            onChange={(e) => set(f.key, e.target.value)}
            aria-describedby={`${id}-${f.key}-hint`}
          />
          <p id={`${id}-${f.key}-hint`} className="hint">
            {f.hint}
          </p>
        </div>
      ))}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          Save plan
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
