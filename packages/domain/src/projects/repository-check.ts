import type { RepositoryCheck, RepositoryCheckBody } from '@fixloop/contracts';
import { DomainError, UpstreamError } from '../errors.js';
import type { IssueTracker, Logger, ProjectStore, SecretCipher } from '../ports.js';
import { getSecret, requireProject } from './projects.js';

export interface RepositoryCheckDeps {
  projects: ProjectStore;
  cipher: SecretCipher;
  tracker: IssueTracker;
  log: Logger;
  /** The server's `GITHUB_TOKEN`: the last token tried before asking anonymously. */
  serverToken?: string | undefined;
}

export type TokenSource = RepositoryCheck['tokenSource'];

const SOURCE_WORDS: Record<TokenSource, string> = {
  request: 'the token in the request',
  project: "the project's stored githubToken",
  server: "the server's GITHUB_TOKEN",
  none: 'no token',
};

/** The token a check asks with: the request's, else the project's stored one, else the server's. */
async function chooseToken(
  deps: RepositoryCheckDeps,
  projectId: string,
  given: string | undefined,
): Promise<{ token?: string; source: TokenSource }> {
  if (given !== undefined) return { token: given, source: 'request' };
  const stored = await getSecret(deps, projectId, 'githubToken');
  if (stored !== undefined) return { token: stored, source: 'project' };
  if (deps.serverToken) return { token: deps.serverToken, source: 'server' };
  return { source: 'none' };
}

/**
 * Asks GitHub, live, whether a token can see `owner/name` and push to it; stores nothing. Failures
 * that the user can fix come back as 422s on the field to change (`token` or `name`); never a 401,
 * which the dashboard would read as its own session ending.
 */
export async function checkRepository(
  deps: RepositoryCheckDeps,
  projectId: string,
  body: RepositoryCheckBody,
): Promise<RepositoryCheck> {
  await requireProject(deps, projectId);
  const { token, source } = await chooseToken(deps, projectId, body.token);
  const repository = `${body.owner}/${body.name}`;
  let found: Awaited<ReturnType<IssueTracker['getRepository']>>;
  try {
    found = await deps.tracker.getRepository({
      owner: body.owner,
      repo: body.name,
      ...(token === undefined ? {} : { token }),
    });
  } catch (err) {
    throw explainFailure(err, repository, source);
  }
  const canPush = found.permissions?.push === true;
  deps.log.info({ projectId, repository, tokenSource: source, canPush }, 'repository checked');
  return {
    fullName: found.fullName,
    defaultBranch: found.defaultBranch,
    private: found.private,
    htmlUrl: found.htmlUrl,
    openIssues: found.openIssues,
    canPush,
    tokenSource: source,
  };
}

/** Re-words the tracker's errors (mapped once, in the adapter) for the field a user would change. */
function explainFailure(err: unknown, repository: string, source: TokenSource): unknown {
  if (!(err instanceof DomainError)) return err;
  if (err.code === 'not_found') {
    const message =
      source === 'none'
        ? `no repository ${repository} is visible without a token (a private one needs a token)`
        : `no repository ${repository} is visible with this token`;
    return fieldError('name', message, source);
  }
  if (!(err instanceof UpstreamError)) return err;
  if (err.status === 401) return fieldError('token', 'GitHub rejected this token', source);
  if ((err.status === 429 || err.status === 403) && err.retryable) {
    return new DomainError(
      'rate_limited',
      `GitHub is rate limiting ${SOURCE_WORDS[source]}; try again after its reset`,
      { service: 'github', tokenSource: source },
    );
  }
  if (err.status === 403) {
    return fieldError('token', `GitHub refused this token access to ${repository}`, source);
  }
  return err;
}

function fieldError(path: 'token' | 'name', message: string, source: TokenSource): DomainError {
  const which = path === 'token' ? ` (${SOURCE_WORDS[source]})` : '';
  return new DomainError('validation_failed', `${path}: ${message}${which}`, {
    issues: [{ path, message }],
    tokenSource: source,
  });
}
