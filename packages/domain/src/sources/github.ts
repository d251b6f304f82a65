import type { GithubIssuePayload, NewFeedback } from '@fixloop/contracts';
import type { TrackerIssue } from '../ports.js';
import { boundBody, boundTitle, toIso } from './text.js';

/** `owner/repo#number`: the external id of a GitHub issue. */
export function githubExternalId(owner: string, repo: string, number: number): string {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}#${number}`;
}

/** Normalizes a GitHub issue; closed issues keep `status: closed` and stay out of clustering. */
export function normalizeGithubIssue(
  owner: string,
  repo: string,
  issue: TrackerIssue,
): NewFeedback & { externalId: string } {
  const title = boundTitle(issue.title);
  return {
    source: 'github',
    externalId: githubExternalId(owner, repo, issue.number),
    title: title === '' ? `Issue #${issue.number}` : title,
    body: boundBody(issue.body),
    url: issue.htmlUrl,
    author: issue.author,
    createdAt: toIso(issue.createdAt),
    status: issue.state,
    metadata: {
      repository: `${owner}/${repo}`,
      number: issue.number,
      labels: issue.labels,
      updatedAt: issue.updatedAt,
      ...(issue.comments === undefined ? {} : { comments: issue.comments }),
    },
  };
}

/** A GitHub REST/webhook issue payload → the tracker's issue shape. */
export function trackerIssueFromPayload(p: GithubIssuePayload): TrackerIssue {
  const issue: TrackerIssue = {
    number: p.number,
    title: p.title,
    body: p.body ?? '',
    state: p.state,
    htmlUrl: p.html_url,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    labels: (p.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
    isPullRequest: p.pull_request !== undefined && p.pull_request !== null,
  };
  if (p.user?.login) issue.author = p.user.login;
  if (p.comments !== undefined) issue.comments = p.comments;
  return issue;
}
