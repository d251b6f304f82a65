import { z } from 'zod';
import { ProjectId, Timestamp, text } from './common.js';

const OwnerOrRepo = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'a GitHub owner or repository name');

/** The repository a project fixes. */
export const RepositorySettings = z.object({
  owner: OwnerOrRepo,
  name: OwnerOrRepo,
  defaultBranch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,255}$/, 'a git branch name')
    .optional(),
  cloneUrl: text(2_048).min(1).optional(),
});
export type RepositorySettings = z.infer<typeof RepositorySettings>;

/** Which third-party secrets a project has stored (never their values). */
export const SecretsStatus = z.object({
  githubToken: z.boolean(),
  sentryWebhookSecret: z.boolean(),
  githubWebhookSecret: z.boolean(),
});
export type SecretsStatus = z.infer<typeof SecretsStatus>;
export const SECRET_NAMES = ['githubToken', 'sentryWebhookSecret', 'githubWebhookSecret'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * A credential the server sends in an HTTP header (`Authorization: token …`) or hands to git:
 * visible ASCII only, so it can neither break the header (a line break) nor be refused by the
 * HTTP client (characters past Latin-1), which GitHub calls would report as an outage.
 */
export const HeaderToken = z
  .string()
  .min(1)
  .max(1_024)
  .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only: no spaces, line breaks or other characters');

/** `PUT /projects/{pid}/secrets`: write-only; `null` removes a secret, an absent field leaves it. */
export const SecretsUpdate = z
  .object({
    githubToken: HeaderToken.nullable().optional(),
    sentryWebhookSecret: text(1_024).min(1).nullable().optional(),
    githubWebhookSecret: text(1_024).min(1).nullable().optional(),
  })
  .strict();
export type SecretsUpdate = z.infer<typeof SecretsUpdate>;

export const Project = z
  .object({
    id: ProjectId,
    name: z.string(),
    createdAt: Timestamp,
    ownerUserId: z
      .string()
      .optional()
      .meta({ description: 'the user who created it (absent for the admin key)' }),
    repository: RepositorySettings.optional(),
    secrets: SecretsStatus,
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof Project>;

export const CreateProjectBody = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((s) => /[A-Za-z0-9]/.test(s), 'must contain a letter or a digit'),
});

/**
 * What a project key may do: `ingest` adds reports (POST /feedback, /feedback/import, /ingest/…),
 * `read` reads the project's data, `admin` does everything the project's owner may do.
 */
export const ApiKeyScope = z.enum(['ingest', 'read', 'admin']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: 'the first characters of the key, to recognise it' }),
  scopes: z
    .array(ApiKeyScope)
    .meta({ description: 'what the key may do; keys created before scopes existed are `["admin"]`' }),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.optional(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const CreateApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100).default('api key'),
  scopes: z
    .array(ApiKeyScope)
    .min(1)
    .max(3)
    .optional()
    .meta({ description: 'default `["admin"]`: everything the project owner may do' }),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** A newly created key: the only time `apiKey` is ever shown. */
export const CreatedApiKey = z.object({
  id: z.string(),
  name: z.string(),
  apiKey: z.string(),
  createdAt: Timestamp,
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const CreatedProject = z.object({ project: Project, apiKey: z.string() });

/** `DELETE /projects/{pid}`: the project's name, typed again, to confirm. */
export const DeleteProjectBody = z
  .object({ confirm: z.string().max(200).meta({ description: "the project's current name" }) })
  .strict();
export type DeleteProjectBody = z.infer<typeof DeleteProjectBody>;

/** `PATCH /projects/{pid}`: what a project's own key may change about it (its id never changes). */
export const ProjectUpdate = z
  .object({
    name: CreateProjectBody.shape.name.meta({ description: 'the new display name; the id stays' }),
  })
  .strict();
export type ProjectUpdate = z.infer<typeof ProjectUpdate>;

/**
 * `POST /projects/{pid}/repository/check`: asks GitHub, live, whether `token` (else the project's
 * stored token, else the server's `GITHUB_TOKEN`) can see `owner/name`. Nothing is stored.
 */
export const RepositoryCheckBody = z
  .object({
    owner: OwnerOrRepo,
    name: OwnerOrRepo,
    token: HeaderToken.optional().meta({
      description: 'a token to try instead of the stored ones; used once, never stored or logged',
    }),
  })
  .strict();
export type RepositoryCheckBody = z.infer<typeof RepositoryCheckBody>;

/** What GitHub said about a repository and the token that asked. */
export const RepositoryCheck = z
  .object({
    fullName: z.string().meta({ description: '`owner/name` as GitHub spells it' }),
    defaultBranch: z.string(),
    private: z.boolean(),
    htmlUrl: z.string(),
    openIssues: z
      .number()
      .int()
      .meta({ description: "GitHub's open_issues_count (it counts pull requests too)" }),
    /** Whether the token may push branches (needed for fixes; reading issues needs less). */
    canPush: z.boolean().meta({
      description: 'whether the token may push branches (needed for fixes); false when asked anonymously',
    }),
    /** Which token answered: the one in the request, the project's stored one, the server's, or none. */
    tokenSource: z.enum(['request', 'project', 'server', 'none']).meta({
      description:
        "which token asked: the request's, the project's stored githubToken, the server's GITHUB_TOKEN, or none",
    }),
  })
  .meta({ id: 'RepositoryCheck' });
export type RepositoryCheck = z.infer<typeof RepositoryCheck>;
