import { z } from 'zod';

/** A GitHub issue as the REST API and `issues` webhooks carry it (unknown fields kept). */
export const GithubIssuePayload = z.looseObject({
  number: z.number().int().positive(),
  title: z.string().max(100_000),
  body: z.string().max(2_000_000).nullish(),
  state: z.enum(['open', 'closed']),
  html_url: z.string().max(2_048),
  user: z.looseObject({ login: z.string().max(100) }).nullish(),
  created_at: z.string().max(64),
  updated_at: z.string().max(64),
  labels: z
    .array(z.union([z.string().max(200), z.looseObject({ name: z.string().max(200).nullish() })]))
    .max(1_000)
    .optional(),
  pull_request: z.unknown().optional(),
  comments: z.number().int().nonnegative().optional(),
});
export type GithubIssuePayload = z.infer<typeof GithubIssuePayload>;

/** The body of an `issues` webhook event. */
export const GithubIssuesEvent = z.looseObject({
  action: z.string().max(64),
  issue: GithubIssuePayload,
  repository: z.looseObject({
    name: z.string().max(100),
    full_name: z.string().max(201).optional(),
    owner: z.looseObject({ login: z.string().max(100) }),
  }),
});
export type GithubIssuesEvent = z.infer<typeof GithubIssuesEvent>;
