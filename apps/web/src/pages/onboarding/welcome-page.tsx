import type { RepositorySettings } from '@fixloop/contracts';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useProjectSettings } from '../../api/projects';
import { useProjectId } from '../../auth/project-context';
import { ErrorState, Loading } from '../../components/states';
import { NameStep } from './name-step';
import { RepositoryStep } from './repository-step';
import { rememberSetup } from './setup-memory';
import { StepIndicator } from './setup-steps';
import { SourcesStep } from './sources-step';

/** First-run setup (`/welcome`): name, repository, sources — or sample reports — then the clusters. */
export function WelcomePage() {
  const pid = useProjectId();
  // Another project starts its own setup from the first step.
  return <Setup key={pid} projectId={pid} />;
}

function Setup({ projectId }: { projectId: string }) {
  const project = useProjectSettings();
  const navigate = useNavigate();
  const [step, setStep] = useState(1);
  const [connected, setConnected] = useState<RepositorySettings | null>(null);

  function leave(outcome: 'finished' | 'skipped') {
    rememberSetup(projectId, outcome);
    void navigate('/clusters');
  }

  return (
    <section className="page onboarding" aria-labelledby="welcome-heading">
      <div className="page-header">
        <h1 id="welcome-heading">Set up {project.data?.name ?? 'your project'}</h1>
        <button type="button" className="button button-quiet" onClick={() => leave('skipped')}>
          Skip setup
        </button>
      </div>
      <p className="muted">
        Three short steps bring your first reports in. Fixloop then groups them into clusters.
      </p>
      <StepIndicator current={step} />
      {project.isPending ? <Loading label="Loading the project…" /> : null}
      {project.isError ? <ErrorState error={project.error} onRetry={() => void project.refetch()} /> : null}
      {project.data ? (
        <div className="panel onboarding-step">
          {step === 1 ? <NameStep currentName={project.data.name} onDone={() => setStep(2)} /> : null}
          {step === 2 ? (
            <RepositoryStep
              project={project.data}
              onBack={() => setStep(1)}
              onDone={(repository) => {
                setConnected(repository);
                setStep(3);
              }}
            />
          ) : null}
          {step === 3 ? (
            <SourcesStep
              repository={connected ?? project.data.repository ?? null}
              connectedNow={connected !== null}
              onBack={() => setStep(2)}
              onFinished={() => leave('finished')}
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
