import type { CodingPlan } from '@fixloop/contracts';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { useCodingPlan, useGeneratePlan, useSavePlan } from '../../api/agents';
import { errorMessage } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useToast } from '../../components/toast';
import { ConfirmButton } from '../sources/confirm-button';
import { FixPanel } from './fix-panel';
import { draftOf, type PlanDraft, PlanEditForm, updateOf } from './plan-edit-form';
import { PlanView } from './plan-view';

function PlanActions({
  plan,
  busy,
  editRef,
  onEdit,
  onRegenerate,
}: {
  plan: CodingPlan;
  busy: boolean;
  editRef: RefObject<HTMLButtonElement | null>;
  onEdit: () => void;
  onRegenerate: () => void;
}) {
  return (
    <div className="actions plan-actions">
      {/* aria-disabled, not disabled: focus returns here from the form while the save is under way */}
      <button
        ref={editRef}
        type="button"
        className="button button-small"
        aria-disabled={busy}
        onClick={() => {
          if (!busy) onEdit();
        }}
      >
        Edit plan
      </button>
      {plan.source === 'edited' ? (
        <ConfirmButton
          label="Regenerate"
          question="Regenerating replaces your edits."
          confirmLabel="Replace my edits"
          disabled={busy}
          onConfirm={onRegenerate}
        />
      ) : (
        <button type="button" className="button button-small" disabled={busy} onClick={onRegenerate}>
          Regenerate
        </button>
      )}
    </div>
  );
}

function PlanSection({ clusterId }: { clusterId: string }) {
  const plan = useCodingPlan(clusterId);
  const generate = useGeneratePlan(clusterId);
  const save = useSavePlan(clusterId);
  const toast = useToast();
  const [editing, setEditing] = useState<PlanDraft | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Closing the form (saved or cancelled) puts focus back where editing started.
  useEffect(() => {
    if (editing === null && wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing !== null;
  }, [editing]);

  function run(done: string) {
    generate.mutate(undefined, {
      onSuccess: () => toast.success(done),
      onError: (e) => toast.error(`No plan: ${errorMessage(e)}`),
    });
  }

  function submit(draft: PlanDraft) {
    // Shown at once; on a refusal the old plan comes back and the form reopens with the draft.
    setEditing(null);
    setSaveError(null);
    save.mutate(updateOf(draft), {
      onSuccess: () => toast.success('Plan saved.'),
      onError: (e) => {
        toast.error(`Plan not saved: ${errorMessage(e)}`);
        setSaveError(errorMessage(e));
        setEditing(draft);
      },
    });
  }

  if (plan.isPending) return <Loading label="Loading the plan…" />;
  if (plan.isError) {
    return (
      <ErrorState error={plan.error} onRetry={() => void plan.refetch()} title="Could not load the plan." />
    );
  }
  if (generate.isPending) {
    return <Loading label="Writing the plan from the reports and the repository…" />;
  }
  if (plan.data === null) {
    return (
      <div className="state state-empty plan-empty">
        <p className="state-title">No plan yet</p>
        <p className="muted">
          A plan names the likely cause, the files to change, the steps and the commands that check the fix,
          from this cluster's reports and the repository.
        </p>
        <button type="button" className="button button-primary" onClick={() => run('Plan generated.')}>
          Generate plan
        </button>
      </div>
    );
  }
  if (editing !== null) {
    return (
      <PlanEditForm
        initial={editing}
        error={saveError}
        busy={save.isPending}
        onSave={submit}
        onCancel={() => {
          setEditing(null);
          setSaveError(null);
        }}
      />
    );
  }
  const current = plan.data;
  return (
    <>
      <PlanView plan={current} />
      <PlanActions
        plan={current}
        busy={save.isPending}
        editRef={editButton}
        onEdit={() => setEditing(draftOf(current))}
        onRegenerate={() => run('Plan regenerated.')}
      />
    </>
  );
}

/**
 * The cluster's coding plan (generate, edit, regenerate) and its fix: the agent job that turns the
 * plan into a draft pull request. The cluster comes from the route unless given.
 */
export function CodingPlanPanel({ clusterId }: { clusterId?: string } = {}) {
  const params = useParams();
  const id = clusterId ?? params.id ?? '';
  return (
    <>
      <section className="panel plan-panel" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Coding plan</h2>
        <PlanSection clusterId={id} />
      </section>
      <FixPanel clusterId={id} />
    </>
  );
}
