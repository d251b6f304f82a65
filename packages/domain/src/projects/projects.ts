import type {
  CreatedApiKey,
  Project,
  RepositorySettings,
  SecretName,
  SecretsUpdate,
} from '@fixloop/contracts';
import { SECRET_NAMES } from '@fixloop/contracts';
import { DomainError, notFound } from '../errors.js';
import type { ProjectRecord, ProjectStore, SecretCipher } from '../ports.js';
import type { MemberStore } from '../users/ports.js';
import { type ApiKeyDeps, createApiKey } from './api-keys.js';

export const DEFAULT_PROJECT_ID = 'default';

export interface ProjectDeps extends ApiKeyDeps {
  projects: ProjectStore;
  cipher: SecretCipher;
}

export function toProject(r: ProjectRecord): Project {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.createdAt,
    ...(r.ownerUserId === undefined ? {} : { ownerUserId: r.ownerUserId }),
    ...(r.repository ? { repository: r.repository } : {}),
    secrets: {
      githubToken: r.secretNames.includes('githubToken'),
      sentryWebhookSecret: r.secretNames.includes('sentryWebhookSecret'),
      githubWebhookSecret: r.secretNames.includes('githubWebhookSecret'),
    },
  };
}

/** A lowercase slug of a project name (`Acme Web App` → `acme-web-app`). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return slug === '' ? 'project' : slug;
}

export async function ensureDefaultProject(deps: ProjectDeps): Promise<void> {
  await deps.projects.create({
    id: DEFAULT_PROJECT_ID,
    name: 'Default',
    createdAt: deps.now().toISOString(),
  });
  await deps.projects.index(DEFAULT_PROJECT_ID);
}

export interface CreateProjectOptions {
  /** The signed-in user who creates it: they become its owner. */
  ownerUserId?: string;
  /** Whether to make its first API key (default true; a user's own first project gets none). */
  withKey?: boolean;
}

/** Creates a project with a unique slug id and, unless told not to, its first API key (shown once). */
export async function createProject(
  deps: ApiKeyDeps & { projects: ProjectStore; members?: Pick<MemberStore, 'set'> },
  name: string,
  opts: CreateProjectOptions = {},
): Promise<{ project: Project; apiKey?: string }> {
  const base = slugify(name);
  const createdAt = deps.now().toISOString();
  const owner = opts.ownerUserId;
  for (let n = 1; n <= 1_000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const record = { id, name, createdAt, ...(owner === undefined ? {} : { ownerUserId: owner }) };
    if (await deps.projects.create(record)) {
      if (owner !== undefined) {
        if (!deps.members) throw new Error('createProject: an owner needs the member store');
        await deps.members.set(id, owner, 'owner', deps.now().getTime());
      }
      const project = toProject({ ...record, secretNames: [] });
      if (opts.withKey === false) return { project };
      const key: CreatedApiKey = await createApiKey(deps, id, 'default key');
      return { project, apiKey: key.apiKey };
    }
  }
  throw new DomainError('conflict', `too many projects are named like "${name}"`);
}

export async function getProject(deps: ProjectDeps, id: string): Promise<Project> {
  return toProject(await requireProject(deps, id));
}

/** Gives a project a new display name; its id, keys and data stay as they are. */
export async function renameProject(deps: ProjectDeps, id: string, name: string): Promise<Project> {
  if (!(await deps.projects.rename(id, name))) throw notFound('project', id);
  return getProject(deps, id);
}

export async function requireProject(
  deps: Pick<ProjectDeps, 'projects'>,
  id: string,
): Promise<ProjectRecord> {
  const record = await deps.projects.get(id);
  if (!record) throw notFound('project', id);
  return record;
}

export async function listProjects(deps: ProjectDeps, only?: string): Promise<Project[]> {
  if (only !== undefined) {
    const r = await deps.projects.get(only);
    return r ? [toProject(r)] : [];
  }
  return (await deps.projects.list()).map(toProject);
}

export async function getRepository(deps: ProjectDeps, id: string): Promise<RepositorySettings> {
  const r = await requireProject(deps, id);
  if (!r.repository) throw notFound('repository settings of project', id);
  return r.repository;
}

export async function setRepository(
  deps: ProjectDeps,
  id: string,
  repo: RepositorySettings,
): Promise<RepositorySettings> {
  await requireProject(deps, id);
  await deps.projects.setRepository(id, repo);
  return repo;
}

/** Stores secrets encrypted; `null` removes one, an absent field leaves it as it is. */
export async function setSecrets(deps: ProjectDeps, id: string, update: SecretsUpdate): Promise<void> {
  await requireProject(deps, id);
  const set: Partial<Record<SecretName, string>> = {};
  const remove: SecretName[] = [];
  for (const name of SECRET_NAMES) {
    const value = update[name];
    if (value === null) remove.push(name);
    else if (value !== undefined) set[name] = deps.cipher.encrypt(value);
  }
  await deps.projects.setSecrets(id, set, remove);
}

/** A project's decrypted secret, or undefined. */
export async function getSecret(
  deps: Pick<ProjectDeps, 'projects' | 'cipher'>,
  id: string,
  name: SecretName,
): Promise<string | undefined> {
  const sealed = (await deps.projects.getSecrets(id))[name];
  return sealed === undefined ? undefined : deps.cipher.decrypt(sealed);
}
