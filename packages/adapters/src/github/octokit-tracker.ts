import { GithubIssuePayload } from '@fixloop/contracts';
import {
  DomainError,
  type DraftPullRequest,
  type IssueTracker,
  type Logger,
  type PullRequests,
  type TrackerIssue,
  type TrackerRepository,
  trackerIssueFromPayload,
  UpstreamError,
} from '@fixloop/domain';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { GithubRepositoryPayload, trackerRepositoryFromPayload } from './repository-payload.js';

const GithubClient = Octokit.plugin(throttling, retry);

export interface OctokitTrackerOptions {
  /** REST base URL: `https://api.github.com`, a GHES `/api/v3` URL, or a local stand-in in tests. */
  baseUrl: string;
  log: Logger;
  userAgent?: string;
  /** How often a rate-limited request is retried after waiting for the reset (default 2). */
  rateLimitRetries?: number;
}

/**
 * GitHub issues through Octokit: paginated, oldest update first, `since` for incremental syncs;
 * and single repository lookups. Rate limits are respected by the throttling plugin (it waits for
 * `retry-after` or `x-ratelimit-reset`), transient 5xx are retried by the retry plugin.
 */
export class OctokitTracker implements IssueTracker, PullRequests {
  constructor(private readonly opts: OctokitTrackerOptions) {}

  /**
   * `interactive`: someone waits for the answer, so a rate limit fails at once instead of being
   * waited out, and a 5xx or unreachable GitHub is tried once more instead of three times.
   */
  private client(token: string | undefined, interactive = false) {
    const { log } = this.opts;
    const retries = interactive ? 0 : (this.opts.rateLimitRetries ?? 2);
    return new GithubClient({
      baseUrl: this.opts.baseUrl,
      userAgent: this.opts.userAgent ?? 'fixloop/0.1',
      ...(token ? { auth: token } : {}),
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log.warn({ github: m }, 'github'),
        error: (m: string) => log.error({ github: m }, 'github'),
      },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warn(
            { retryAfter, url: options.url, retryCount },
            'GitHub rate limit reached; waiting for the reset',
          );
          return retryCount < retries;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warn({ retryAfter, url: options.url, retryCount }, 'GitHub secondary rate limit; backing off');
          return retryCount < retries;
        },
      },
      retry: {
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        ...(interactive ? { retries: INTERACTIVE_RETRIES } : {}),
      },
    });
  }

  async *listIssues(params: {
    owner: string;
    repo: string;
    since?: string;
    token?: string;
  }): AsyncIterable<TrackerIssue[]> {
    const octokit = this.client(params.token);
    const iterator = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      owner: params.owner,
      repo: params.repo,
      state: 'all',
      sort: 'updated',
      direction: 'asc',
      per_page: 100,
      ...(params.since ? { since: params.since } : {}),
    });
    try {
      for await (const page of iterator) {
        const issues: TrackerIssue[] = [];
        for (const raw of page.data as unknown[]) {
          const parsed = GithubIssuePayload.safeParse(raw);
          if (parsed.success) issues.push(trackerIssueFromPayload(parsed.data));
          else
            this.opts.log.warn(
              { issue: (raw as { number?: unknown })?.number },
              'skipping a GitHub issue of unexpected shape',
            );
        }
        yield issues;
      }
    } catch (err) {
      throw toDomainError(err, `${params.owner}/${params.repo}`);
    }
  }

  /** `GET /repos/{owner}/{repo}`, asked interactively (see `client`). */
  async getRepository(params: { owner: string; repo: string; token?: string }): Promise<TrackerRepository> {
    const octokit = this.client(params.token, true);
    const name = `${params.owner}/${params.repo}`;
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.get({ owner: params.owner, repo: params.repo }));
    } catch (err) {
      throw toDomainError(err, name);
    }
    const parsed = GithubRepositoryPayload.safeParse(data);
    if (!parsed.success) {
      this.opts.log.warn({ repository: name }, 'GitHub answered a repository of unexpected shape');
      throw new UpstreamError('github', `GitHub answered ${name} in an unexpected shape`, false);
    }
    return trackerRepositoryFromPayload(parsed.data);
  }

  /**
   * `POST /repos/{owner}/{repo}/pulls` with `draft: true`. A repository that cannot take drafts
   * fails the job: Fixloop never opens a pull request that is ready for review.
   */
  async openDraft(request: DraftPullRequest): Promise<{ url: string; number: number }> {
    const octokit = this.client(request.token);
    const name = `${request.owner}/${request.repo}`;
    try {
      const { data } = await octokit.rest.pulls.create({
        owner: request.owner,
        repo: request.repo,
        head: request.head,
        base: request.base,
        title: request.title,
        body: request.body,
        draft: true,
        maintainer_can_modify: true,
      });
      return { url: data.html_url, number: data.number };
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (status === 422) {
        const message = githubMessage(err);
        throw new UpstreamError(
          'github',
          `GitHub refused the draft pull request on ${name}: ${message}`,
          false,
          422,
        );
      }
      throw toDomainError(err, name);
    }
  }
}

/** GitHub's own explanation of a 422 (its `message` and the first error's `message`), bounded. */
function githubMessage(err: unknown): string {
  const data = (err as { response?: { data?: { message?: unknown; errors?: Array<{ message?: unknown }> } } })
    .response?.data;
  const parts = [data?.message, data?.errors?.[0]?.message].filter((m): m is string => typeof m === 'string');
  return (parts.join(': ') || 'validation failed').slice(0, 300);
}

/** Retries of a 5xx or a network failure while someone waits (the retry plugin waits 1 s first). */
const INTERACTIVE_RETRIES = 1;

function toDomainError(err: unknown, repo: string): Error {
  const status =
    typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
  if (status === 404)
    return new DomainError('not_found', `GitHub repository ${repo} not found (or the token cannot see it)`);
  if (status === 401)
    return new UpstreamError(
      'github',
      'GitHub rejected the token (401): check the project secret or GITHUB_TOKEN',
      false,
      401,
    );
  // Rate limits were already waited out by the throttling plugin; what is left is final for now.
  if (status === 429)
    return new UpstreamError('github', 'GitHub is rate limiting this token (429)', true, status);
  if (status === 403) {
    const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response
      ?.headers;
    if (headers?.['x-ratelimit-remaining'] === '0' || headers?.['retry-after'] !== undefined) {
      return new UpstreamError(
        'github',
        'GitHub rate limit reached (403); try again after the reset',
        true,
        status,
      );
    }
    return new UpstreamError(
      'github',
      'GitHub refused the request (403): the token lacks access',
      false,
      status,
    );
  }
  // Octokit reports a request that got no answer at all (refused, reset, DNS) as a 500 without a response.
  const answered = (err as { response?: unknown }).response !== undefined;
  if (status !== undefined && answered)
    return new UpstreamError('github', `GitHub answered ${status}`, status >= 500, status);
  return new UpstreamError('github', 'GitHub could not be reached', true);
}
