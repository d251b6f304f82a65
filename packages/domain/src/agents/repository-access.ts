import type { RepositorySettings } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import { getSecret, requireProject } from '../projects/projects.js';
import type { AgentDeps, AgentSettings } from './deps.js';
import type { RepositoryAccess } from './ports.js';
import { hostOfGitUrl, isLocalName, isPrivateAddress } from './private-addresses.js';

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

/** What this server lets a repository's `cloneUrl` name (`ALLOW_LOCAL_REPOSITORIES`, `ALLOW_PRIVATE_URLS`). */
export interface CloneUrlPolicy {
  allowLocal: boolean;
  allowPrivate: boolean;
}

const privateRefused = (what: string) =>
  new DomainError(
    'validation_failed',
    `cloneUrl: ${what} is a loopback, link-local or private address, which this server does not reach for users (ALLOW_PRIVATE_URLS)`,
    {
      issues: [
        { path: 'cloneUrl', message: 'private and loopback addresses are not allowed on this server' },
      ],
    },
  );

/**
 * Checks a repository's `cloneUrl` against what this server allows; a 422 names the field. A host
 * written as an address (in any spelling) or as `localhost` is checked here; a name is checked
 * again, by what it resolves to, before every clone (`assertCloneHostPublic`).
 */
export function assertCloneUrlAllowed(settings: RepositorySettings, policy: CloneUrlPolicy): void {
  if (settings.cloneUrl === undefined) return;
  const kind = cloneUrlKind(settings.cloneUrl);
  if (kind === 'refused') {
    throw new DomainError('validation_failed', 'cloneUrl: use an https://, ssh:// or git@host:path URL', {
      issues: [{ path: 'cloneUrl', message: 'not a supported git URL' }],
    });
  }
  if (kind === 'local' && !policy.allowLocal) {
    throw new DomainError(
      'validation_failed',
      'cloneUrl: local repositories are disabled on this server (ALLOW_LOCAL_REPOSITORIES)',
      { issues: [{ path: 'cloneUrl', message: 'local paths are not allowed on this server' }] },
    );
  }
  if (kind === 'remote' && !policy.allowPrivate) {
    const host = hostOfGitUrl(settings.cloneUrl);
    if (host === undefined) throw privateRefused('its host');
    if (isLocalName(host) || isPrivateAddress(host)) throw privateRefused(host);
  }
}

/**
 * Before a clone: every address the URL's host resolves to must be public, so a name that points
 * at this machine, a private network or the cloud's metadata service (now, not when it was saved)
 * is refused. Paths and the server's own GitHub URL are not user-set hosts and pass.
 */
export async function assertCloneHostPublic(
  url: string,
  policy: CloneUrlPolicy,
  resolveHost: (host: string) => Promise<string[]>,
): Promise<void> {
  if (policy.allowPrivate || cloneUrlKind(url) !== 'remote') return;
  const host = hostOfGitUrl(url);
  if (host === undefined) throw privateRefused('its host');
  let addresses: string[];
  try {
    addresses = await resolveHost(host);
  } catch {
    throw new DomainError('validation_failed', `cloneUrl: the host ${host} could not be resolved`, {
      issues: [{ path: 'cloneUrl', message: 'the host could not be resolved' }],
    });
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined || addresses.length === 0)
    throw privateRefused(`${host} (${blocked ?? 'no address'})`);
}

export const clonePolicyOf = (settings: AgentSettings): CloneUrlPolicy => ({
  allowLocal: settings.allowLocalRepositories,
  allowPrivate: settings.allowPrivateUrls,
});

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
  deps: Pick<AgentDeps, 'projects' | 'settings' | 'users' | 'resolveHost'>,
  projectId: string,
  startedBy?: string,
): Promise<RepositoryAccess | null> {
  const project = await requireProject(deps.projects, projectId);
  const repo = project.repository;
  if (!repo) return null;
  const policy = clonePolicyOf(deps.settings);
  assertCloneUrlAllowed(repo, policy);
  if (repo.cloneUrl !== undefined && deps.resolveHost) {
    await assertCloneHostPublic(repo.cloneUrl, policy, deps.resolveHost);
  }
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
