import { errorMessage, isApiError } from '../../api/client';

export type RepositoryField = 'repo' | 'token' | 'defaultBranch' | 'cloneUrl' | 'form';
export type RepositoryErrors = Partial<Record<RepositoryField, string>>;

// The API names body fields (`body.token` from schema validation, `token` from the check itself);
// the form has one field for owner and name.
const FIELD_OF: Record<string, RepositoryField> = {
  owner: 'repo',
  name: 'repo',
  token: 'token',
  defaultBranch: 'defaultBranch',
  cloneUrl: 'cloneUrl',
};

/** Places each problem of a failed call next to the field it is about; the rest go to the form. */
export function repositoryErrors(e: unknown): RepositoryErrors {
  const issues = isApiError(e) ? e.issues : [];
  if (issues.length === 0) return { form: errorMessage(e) };
  const out: RepositoryErrors = {};
  for (const issue of issues) {
    const field = FIELD_OF[issue.path.split('.').at(-1) ?? ''] ?? 'form';
    out[field] = out[field] ? `${out[field]} ${issue.message}` : issue.message;
  }
  return out;
}
