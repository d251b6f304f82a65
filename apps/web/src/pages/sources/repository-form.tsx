import type { Project, RepositoryCheck, RepositoryCheckBody, RepositorySettings } from '@fixloop/contracts';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useCheckRepository, useSaveRepository, useSaveSecrets } from '../../api/projects';
import { useToast } from '../../components/toast';
import { CheckResult } from './check-result';
import { ConfirmButton } from './confirm-button';
import { type RepositoryErrors, type RepositoryField, repositoryErrors } from './field-errors';
import { parseRepository } from './parse-inputs';

export interface RepositoryFormProps {
  project: Project;
  /** `full` adds default branch and clone URL; `setup` (onboarding) asks GitHub before every save. */
  variant?: 'full' | 'setup';
  submitLabel?: string;
  onSaved?: (repository: RepositorySettings) => void;
  /** More buttons beside Check and Save (onboarding's Skip and Back). */
  children?: ReactNode;
}

const FIELD_ORDER: RepositoryField[] = ['repo', 'defaultBranch', 'cloneUrl', 'token'];

function initialRepo(project: Project): string {
  return project.repository ? `${project.repository.owner}/${project.repository.name}` : '';
}

/**
 * The repository a project works on and the GitHub token it uses. The token is write-only: it is
 * sent when saved and never shown again; the form only says whether one is stored.
 */
export function RepositoryForm({
  project,
  variant = 'full',
  submitLabel = 'Save repository',
  onSaved,
  children,
}: RepositoryFormProps) {
  const id = useId();
  const toast = useToast();
  const check = useCheckRepository();
  const saveRepository = useSaveRepository();
  const saveSecrets = useSaveSecrets();
  const [repo, setRepo] = useState(() => initialRepo(project));
  const [branch, setBranch] = useState(project.repository?.defaultBranch ?? '');
  const [cloneUrl, setCloneUrl] = useState(project.repository?.cloneUrl ?? '');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<RepositoryErrors>({});
  const [checked, setChecked] = useState<RepositoryCheck | null>(null);
  const [saving, setSaving] = useState(false);
  const busy = saving || check.isPending;

  // Errors are shown beside their fields, and focus goes to the first field that has one.
  function showErrors(next: RepositoryErrors) {
    setErrors(next);
    const first = FIELD_ORDER.find((f) => next[f] !== undefined);
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  }

  function checkBody(): RepositoryCheckBody | null {
    const parsed = parseRepository(repo);
    if (!parsed) {
      showErrors({ repo: 'Write the repository as owner/name.' });
      return null;
    }
    const typed = token.trim();
    return typed === '' ? parsed : { ...parsed, token: typed };
  }

  function runCheck() {
    const body = checkBody();
    if (!body) return;
    setErrors({});
    check.mutate(body, {
      onSuccess: (result) => setChecked(result),
      onError: (e) => {
        setChecked(null);
        showErrors(repositoryErrors(e));
      },
    });
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = checkBody();
    if (!body) return;
    setErrors({});
    setSaving(true);
    try {
      let result = checked;
      if (variant === 'setup') {
        try {
          result = await check.mutateAsync(body);
          setChecked(result);
        } catch (e) {
          setChecked(null);
          showErrors(repositoryErrors(e));
          return;
        }
      }
      const defaultBranch = branch.trim() || result?.defaultBranch;
      const repository: RepositorySettings = {
        owner: body.owner,
        name: body.name,
        ...(defaultBranch ? { defaultBranch } : {}),
        ...(cloneUrl.trim() ? { cloneUrl: cloneUrl.trim() } : {}),
      };
      try {
        await saveRepository.mutateAsync(repository);
      } catch (e) {
        showErrors(repositoryErrors(e));
        toast.error(`Repository not saved: ${errorMessage(e)}`);
        return;
      }
      if (body.token) {
        try {
          await saveSecrets.mutateAsync({ githubToken: body.token });
        } catch (e) {
          showErrors({ token: errorMessage(e) });
          toast.error(`Repository saved, but not the token: ${errorMessage(e)}`);
          return;
        }
        setToken('');
      }
      if (defaultBranch && variant === 'full') setBranch(defaultBranch);
      toast.success(`${body.owner}/${body.name} saved${body.token ? ' with its token' : ''}.`);
      onSaved?.(repository);
    } finally {
      setSaving(false);
    }
  }

  function removeToken() {
    saveSecrets.mutate(
      { githubToken: null },
      {
        onSuccess: () => toast.success('GitHub token removed.'),
        onError: (e) => toast.error(`Token not removed: ${errorMessage(e)}`),
      },
    );
  }

  const described = (field: RepositoryField, hint?: string) => {
    const ids = [hint, errors[field] ? `${id}-${field}-err` : undefined].filter(Boolean).join(' ');
    return {
      'aria-invalid': errors[field] !== undefined,
      'aria-describedby': ids === '' ? undefined : ids,
    };
  };
  const fieldError = (field: RepositoryField) =>
    errors[field] ? (
      <p id={`${id}-${field}-err`} className="field-error" role="alert">
        {errors[field]}
      </p>
    ) : null;

  return (
    <form className="form repository-form" onSubmit={(e) => void save(e)} noValidate aria-busy={busy}>
      <div className="field">
        <label htmlFor={`${id}-repo`}>GitHub repository</label>
        <input
          id={`${id}-repo`}
          placeholder="owner/name"
          autoCapitalize="off"
          spellCheck={false}
          value={repo}
          onChange={(e) => {
            setRepo(e.target.value);
            setChecked(null);
          }}
          {...described('repo', `${id}-repo-hint`)}
        />
        <p id={`${id}-repo-hint`} className="hint">
          As owner/name, for example <code>acme/web</code>, or the repository's GitHub address.
        </p>
        {fieldError('repo')}
      </div>
      {variant === 'full' ? (
        <div className="field-pair">
          <div className="field">
            <label htmlFor={`${id}-defaultBranch`}>Default branch (optional)</label>
            <input
              id={`${id}-defaultBranch`}
              placeholder={checked?.defaultBranch ?? 'from GitHub'}
              spellCheck={false}
              value={branch}
              onChange={(e) => setBranch(e.target.value)}
              {...described('defaultBranch')}
            />
            {fieldError('defaultBranch')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-cloneUrl`}>Clone URL (optional)</label>
            <input
              id={`${id}-cloneUrl`}
              type="url"
              spellCheck={false}
              value={cloneUrl}
              onChange={(e) => setCloneUrl(e.target.value)}
              {...described('cloneUrl', `${id}-cloneUrl-hint`)}
            />
            <p id={`${id}-cloneUrl-hint`} className="hint">
              Only for a repository not cloned from GitHub.
            </p>
            {fieldError('cloneUrl')}
          </div>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-token`}>GitHub token{project.secrets.githubToken ? ' (replace)' : ''}</label>
        <input
          id={`${id}-token`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            setChecked(null);
          }}
          {...described('token', `${id}-token-hint`)}
        />
        <p id={`${id}-token-hint`} className="hint">
          A fine-grained token with Issues: read, plus Contents and Pull requests: write for fixes.
          {project.secrets.githubToken ? ' Leave empty to keep the stored token.' : ''}
        </p>
        {fieldError('token')}
        <div className="token-status">
          {project.secrets.githubToken ? (
            <>
              <span>A token is stored.</span>
              <ConfirmButton
                label="Remove token"
                question="Remove the stored GitHub token?"
                confirmLabel="Remove token"
                disabled={saveSecrets.isPending}
                onConfirm={removeToken}
              />
            </>
          ) : (
            <span className="muted">
              No token stored: public repositories only, unless the server has one.
            </span>
          )}
        </div>
      </div>
      {errors.form ? (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      {checked ? <CheckResult check={checked} /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={runCheck}>
          {check.isPending && !saving ? 'Checking…' : 'Check'}
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
