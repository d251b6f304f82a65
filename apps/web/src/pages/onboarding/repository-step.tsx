import type { Project, RepositorySettings } from '@fixloop/contracts';
import { RepositoryForm } from '../sources/repository-form';
import { StepHeading } from './setup-steps';

/** Step 2 (optional): the GitHub repository and its token, checked with GitHub before saving. */
export function RepositoryStep({
  project,
  onDone,
  onBack,
}: {
  project: Project;
  onDone: (repository: RepositorySettings | null) => void;
  onBack: () => void;
}) {
  return (
    <>
      <StepHeading id="setup-repository-h">Step 2 of 3: Connect a GitHub repository</StepHeading>
      <p className="muted">
        Optional. Fixloop can import the repository's issues as reports and opens fix pull requests there. The
        token is checked with GitHub before anything is saved.
      </p>
      <RepositoryForm project={project} variant="setup" submitLabel="Save and continue" onSaved={onDone}>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Skip this step
        </button>
        <button type="button" className="button button-quiet" onClick={onBack}>
          Back
        </button>
      </RepositoryForm>
    </>
  );
}
