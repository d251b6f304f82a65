import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyInfo, ApiKeyScope, CreatedApiKey } from '@fixloop/contracts';
import { notFound } from '../errors.js';
import type { ApiKeyRecord, ApiKeyStore } from '../ports.js';

const KEY_PREFIX = 'flk_';

/** SHA-256 of a key: what Redis keeps instead of the key (cheap to check on every request). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new high-entropy key (256 random bits). */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export interface ApiKeyDeps {
  apiKeys: ApiKeyStore;
  now: () => Date;
}

/** Keys made without a choice of scopes may do everything the project's owner may. */
export const DEFAULT_KEY_SCOPES: readonly ApiKeyScope[] = ['admin'];

export async function createApiKey(
  deps: ApiKeyDeps,
  projectId: string,
  name: string,
  scopes: readonly ApiKeyScope[] = DEFAULT_KEY_SCOPES,
): Promise<CreatedApiKey> {
  const apiKey = generateApiKey();
  const record: ApiKeyRecord = {
    id: randomUUID(),
    projectId,
    name,
    prefix: apiKey.slice(0, KEY_PREFIX.length + 6),
    createdAt: deps.now().toISOString(),
    admin: false,
    scopes: [...new Set(scopes)].sort(),
  };
  await deps.apiKeys.create(record, hashApiKey(apiKey));
  return { id: record.id, name, apiKey, createdAt: record.createdAt };
}

export async function listApiKeys(deps: ApiKeyDeps, projectId: string): Promise<ApiKeyInfo[]> {
  const records = await deps.apiKeys.list(projectId);
  return records.map(({ id, name, prefix, scopes, createdAt, lastUsedAt }) => ({
    id,
    name,
    prefix,
    scopes,
    createdAt,
    ...(lastUsedAt ? { lastUsedAt } : {}),
  }));
}

export async function revokeApiKey(deps: ApiKeyDeps, projectId: string, id: string): Promise<void> {
  if (!(await deps.apiKeys.delete(projectId, id))) throw notFound('api key', id);
}

/**
 * Registers the operator's admin key (by hash only). A key the operator set explicitly
 * (`ADMIN_TOKEN`) is exclusive: it revokes earlier admin keys. A generated one is added beside
 * others, so processes with their own data dirs on one Redis never lock each other out.
 */
export async function installAdminKey(
  deps: ApiKeyDeps,
  adminKey: string,
  opts: { exclusive: boolean },
): Promise<void> {
  await deps.apiKeys.installAdminKey(hashApiKey(adminKey), deps.now().toISOString(), opts.exclusive);
}
