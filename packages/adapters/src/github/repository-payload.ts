import type { TrackerRepository } from '@fixloop/domain';
import { z } from 'zod';

/**
 * The fields of GitHub's `GET /repos/{owner}/{repo}` answer that Fixloop reads. `permissions` is
 * there only when the request was authenticated.
 */
export const GithubRepositoryPayload = z.object({
  full_name: z.string(),
  default_branch: z.string(),
  private: z.boolean(),
  html_url: z.string(),
  open_issues_count: z.number().int(),
  permissions: z
    .object({
      admin: z.boolean().optional(),
      push: z.boolean().optional(),
      pull: z.boolean().optional(),
    })
    .optional(),
});
export type GithubRepositoryPayload = z.infer<typeof GithubRepositoryPayload>;

export function trackerRepositoryFromPayload(p: GithubRepositoryPayload): TrackerRepository {
  const repo: TrackerRepository = {
    fullName: p.full_name,
    defaultBranch: p.default_branch,
    private: p.private,
    htmlUrl: p.html_url,
    openIssues: p.open_issues_count,
  };
  if (p.permissions) {
    repo.permissions = {
      admin: p.permissions.admin === true,
      push: p.permissions.push === true,
      pull: p.permissions.pull === true,
    };
  }
  return repo;
}
