import type { AutomationLevel } from '@fixloop/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { useAutomation, useSaveAutomation } from '../../api/agents';
import { errorMessage } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useToast } from '../../components/toast';

const LEVELS: Array<{ level: AutomationLevel; label: string; hint: string }> = [
  {
    level: 'plan',
    label: 'Plans only',
    hint: 'Fixloop writes coding plans; people make the fixes. Generate fix is off.',
  },
  {
    level: 'draft_pr',
    label: 'Draft pull requests',
    hint: 'Generate fix runs a coding agent in a sandbox that pushes a branch and opens a draft pull request for review.',
  },
];

const labelOf = (level: AutomationLevel) => LEVELS.find((l) => l.level === level)?.label ?? level;

/** Sources → Automation: how far Fixloop may go for this project (`#automation` links here). */
export function AutomationPanel() {
  const id = useId();
  const automation = useAutomation();
  const save = useSaveAutomation();
  const toast = useToast();
  const location = useLocation();
  const section = useRef<HTMLElement>(null);
  const [choice, setChoice] = useState<AutomationLevel | null>(null);
  const saved = automation.data;
  const selected = choice ?? saved;

  // Arriving from a "change it on Sources" link: bring the panel into view.
  useEffect(() => {
    if (location.hash === '#automation') section.current?.scrollIntoView?.({ block: 'start' });
  }, [location.hash]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!selected) return;
    save.mutate(selected, {
      onSuccess: (s) => {
        setChoice(null);
        toast.success(`Automation set to ${labelOf(s.level)}.`);
      },
      onError: (e) => toast.error(`Not saved: ${errorMessage(e)}`),
    });
  }

  return (
    <section ref={section} id="automation" className="panel automation-panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Automation</h2>
      {automation.isPending ? <Loading /> : null}
      {automation.isError ? (
        <ErrorState error={automation.error} onRetry={() => void automation.refetch()} />
      ) : null}
      {saved ? (
        <form className="form" onSubmit={submit}>
          <fieldset className="automation-levels">
            <legend>How far may Fixloop go?</legend>
            {LEVELS.map((l) => (
              <div key={l.level} className="automation-level">
                <input
                  type="radio"
                  id={`${id}-${l.level}`}
                  name={`${id}-level`}
                  value={l.level}
                  checked={selected === l.level}
                  onChange={() => setChoice(l.level)}
                  aria-describedby={`${id}-${l.level}-hint`}
                />
                <div>
                  <label htmlFor={`${id}-${l.level}`}>{l.label}</label>
                  <p id={`${id}-${l.level}-hint`} className="hint">
                    {l.hint}
                  </p>
                </div>
              </div>
            ))}
          </fieldset>
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isPending || selected === saved}
          >
            Save automation
          </button>
        </form>
      ) : null}
    </section>
  );
}
