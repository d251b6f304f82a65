import type { RepositorySettings } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { getSecret, requireProject } from '../projects/projects.js';
import type { AgentDeps } from './deps.js';
import type { RepositoryAccess } from './ports.js';

/** `git@host:owner/name.git`: the scp-like form git accepts for ssh. */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

export type CloneUrlKind = 'remote' | 'local' | 'refused';

/**
 * What a clone URL names. Remote: `https://`, `http://`, `ssh://`, `git://` and the scp-like ssh
 * form. Local: a path or `file://`. Anything else is refused — git's `ext::` transport would run a
 * command, and other helpers are no better.
 */
export function cloneUrlKind(url: string): CloneUrlKind {
  const u = url.trim();
  if (u === '' || /[\s\0]/.test(u)) return 'refused';
  if (/^(https?|ssh|git):\/\/[^/\s]+/i.test(u)) return 'remote';
  if (SCP_LIKE.test(u) && !u.includes('::')) return 'remote';
  if (/^file:\/\//i.test(u) || u.startsWith('/') || u.startsWith('./') || u.startsWith('../')) {
    return 'local';
  }
  return 'refused';
}

/** Checks a repository's `cloneUrl` against what this server allows; a 422 names the field. */
export function assertCloneUrlAllowed(settings: RepositorySettings, allowLocal: boolean): void {
  if (settings.cloneUrl === undefined) return;
  const kind = cloneUrlKind(settings.cloneUrl);
  if (kind === 'refused') {
    throw new DomainError('validation_failed', 'cloneUrl: use an https://, ssh:// or git@host:path URL', {
      issues: [{ path: 'cloneUrl', message: 'not a supported git URL' }],
    });
  }
  if (kind === 'local' && !allowLocal) {
    throw new DomainError(
      'validation_failed',
      'cloneUrl: local repositories are disabled on this server (ALLOW_LOCAL_REPOSITORIES)',
      { issues: [{ path: 'cloneUrl', message: 'local paths are not allowed on this server' }] },
    );
  }
}

/** The GitHub token a signed-in user linked by signing in with GitHub, if any. */
async function userGithubToken(
  deps: Pick<AgentDeps, 'projects' | 'users'>,
  userId: string | undefined,
): Promise<string | undefined> {
  if (userId === undefined || !deps.users) return undefined;
  const sealed = (await deps.users.get(userId))?.githubToken;
  return sealed === undefined ? undefined : deps.projects.cipher.decrypt(sealed);
}

/**
 * The project's repository, its URL and the token to fetch it with; null when none is set. The
 * token is that of the user who started the fix when they signed in with GitHub (their PR), else
 * the project's, else the server's.
 */
export async function repositoryAccess(
  deps: Pick<AgentDeps, 'projects' | 'settings' | 'users'>,
  projectId: string,
  startedBy?: string,
): Promise<RepositoryAccess | null> {
  const project = await requireProject(deps.projects, projectId);
  const repo = project.repository;
  if (!repo) return null;
  assertCloneUrlAllowed(repo, deps.settings.allowLocalRepositories);
  const base = deps.settings.githubWebUrl.replace(/\/+$/, '');
  const token =
    (await userGithubToken(deps, startedBy)) ??
    (await getSecret(deps.projects, projectId, 'githubToken')) ??
    deps.settings.serverToken;
  return {
    owner: repo.owner,
    name: repo.name,
    url: repo.cloneUrl ?? `${base}/${repo.owner}/${repo.name}.git`,
    defaultBranch: repo.defaultBranch,
    token,
  };
}

/** The web address of GitHub for an API base: `https://api.github.com` → `https://github.com`; GHES `https://host/api/v3` → `https://host`. */
export function githubWebUrlOf(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  return `${u.protocol}//${u.host}`;
}
