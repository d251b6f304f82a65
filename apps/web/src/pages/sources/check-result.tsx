import type { RepositoryCheck } from '@fixloop/contracts';

const TOKEN_SOURCES: Record<RepositoryCheck['tokenSource'], string> = {
  request: 'the token typed above',
  project: "the project's stored token",
  server: "the server's own token",
  none: 'no token (public access only)',
};

/** What GitHub said about the repository and the token that asked. */
export function CheckResult({ check }: { check: RepositoryCheck }) {
  return (
    <div className="check-result" role="status">
      <p className="check-title">
        GitHub answered for{' '}
        <a href={check.htmlUrl} target="_blank" rel="noreferrer">
          {check.fullName}
        </a>
        .
      </p>
      <dl className="facts">
        <dt>Default branch</dt>
        <dd>
          <code>{check.defaultBranch}</code>
        </dd>
        <dt>Visibility</dt>
        <dd>{check.private ? 'Private' : 'Public'}</dd>
        <dt>Access</dt>
        <dd>
          {check.canPush ? 'Can push (syncs issues and opens fixes)' : 'Read-only (syncs issues, no fixes)'}
        </dd>
        <dt>Open issues</dt>
        <dd>{check.openIssues}</dd>
        <dt>Answered with</dt>
        <dd>{TOKEN_SOURCES[check.tokenSource]}</dd>
      </dl>
    </div>
  );
}
