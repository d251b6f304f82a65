import { useId } from 'react';
import { useProjectSettings } from '../../api/projects';
import { ErrorState, Loading } from '../../components/states';
import { RepositoryForm } from './repository-form';

/** Sources → Repository: the saved repository, whether a token is stored, and the form to change them. */
export function RepositoryPanel() {
  const id = useId();
  const project = useProjectSettings();
  const saved = project.data?.repository;
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Repository</h2>
      {project.isPending ? <Loading /> : null}
      {project.isError ? <ErrorState error={project.error} onRetry={() => void project.refetch()} /> : null}
      {project.data ? (
        <>
          <p>
            {saved ? (
              <>
                Saved:{' '}
                <strong>
                  {saved.owner}/{saved.name}
                </strong>
                {saved.defaultBranch ? (
                  <>
                    , default branch <code>{saved.defaultBranch}</code>
                  </>
                ) : null}
                .
              </>
            ) : (
              <span className="muted">
                No repository saved yet. Fixes are opened as pull requests on the saved repository.
              </span>
            )}
          </p>
          <RepositoryForm key={project.data.id} project={project.data} />
        </>
      ) : null}
    </section>
  );
}
