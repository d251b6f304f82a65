import { RepositorySettings, SECRET_NAMES, type SecretName } from '@fixloop/contracts';
import type { GithubSyncSummary, ProjectRecord, ProjectStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { removeProjectFootprint } from './project-footprint.js';

const CREATE_PROJECT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'createdAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'ownerUserId', ARGV[4]) end
return 1
`;

// HSET alone would create a stub hash without id or createdAt for an unknown id.
const RENAME_PROJECT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1])
return 1
`;

/** Projects, their settings, encrypted secrets and source configuration. */
export class RedisProjectStore implements ProjectStore {
  constructor(private readonly redis: Redis) {}

  async create(p: { id: string; name: string; createdAt: string; ownerUserId?: string }): Promise<boolean> {
    // The project hash is written whole in one step or not at all; the global index (another
    // hash slot) follows, and is re-added on every start for `default`.
    const created =
      (await this.redis.eval(
        CREATE_PROJECT,
        1,
        keys.project(p.id),
        p.id,
        p.name,
        p.createdAt,
        p.ownerUserId ?? '',
      )) === 1;
    if (created) await this.redis.sadd(keys.projectsAll(), p.id);
    return created;
  }

  /** Removes the project's whole footprint (see project-footprint.ts), the record and its index entry last. */
  purge(id: string): Promise<number> {
    return removeProjectFootprint(this.redis, id);
  }

  async index(id: string): Promise<void> {
    await this.redis.sadd(keys.projectsAll(), id);
  }

  async get(id: string): Promise<ProjectRecord | null> {
    const [[, h], [, secretNames]] = (await this.redis
      .pipeline()
      .hgetall(keys.project(id))
      .hkeys(keys.secrets(id))
      .exec()) as [[null, Record<string, string>], [null, string[]]];
    return decodeProject(h, secretNames);
  }

  async list(): Promise<ProjectRecord[]> {
    const ids = (await this.redis.smembers(keys.projectsAll())).sort();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.project(id)).hkeys(keys.secrets(id));
    const replies = (await pipeline.exec()) ?? [];
    const out: ProjectRecord[] = [];
    for (let i = 0; i < ids.length; i++) {
      const r = decodeProject(
        replies[2 * i]?.[1] as Record<string, string>,
        replies[2 * i + 1]?.[1] as string[],
      );
      if (r) out.push(r);
    }
    return out;
  }

  async rename(id: string, name: string): Promise<boolean> {
    return (await this.redis.eval(RENAME_PROJECT, 1, keys.project(id), name)) === 1;
  }

  async setRepository(id: string, repository: RepositorySettings): Promise<void> {
    await this.redis.hset(keys.project(id), 'repository', JSON.stringify(repository));
  }

  async getSecrets(id: string): Promise<Partial<Record<SecretName, string>>> {
    const h = await this.redis.hgetall(keys.secrets(id));
    const out: Partial<Record<SecretName, string>> = {};
    for (const name of SECRET_NAMES) if (h[name] !== undefined) out[name] = h[name];
    return out;
  }

  async setSecrets(
    id: string,
    set: Partial<Record<SecretName, string>>,
    remove: SecretName[],
  ): Promise<void> {
    const tx = this.redis.multi();
    const entries = Object.entries(set).flat();
    if (entries.length > 0) tx.hset(keys.secrets(id), ...entries);
    if (remove.length > 0) tx.hdel(keys.secrets(id), ...remove);
    await tx.exec();
  }

  getSubreddits(id: string): Promise<string[]> {
    return this.redis.lrange(keys.redditSubreddits(id), 0, -1);
  }

  async setSubreddits(id: string, subreddits: string[]): Promise<void> {
    const tx = this.redis.multi().del(keys.redditSubreddits(id));
    if (subreddits.length > 0) tx.rpush(keys.redditSubreddits(id), ...subreddits);
    await tx.exec();
  }

  getGithubCursor(id: string, owner: string, repo: string): Promise<string | null> {
    return this.redis.get(keys.githubCursor(id, owner, repo));
  }

  async setGithubCursor(id: string, owner: string, repo: string, since: string): Promise<void> {
    await this.redis.set(keys.githubCursor(id, owner, repo), since);
  }

  async recordGithubSync(id: string, owner: string, repo: string, summary: GithubSyncSummary): Promise<void> {
    await this.redis.hset(keys.githubRepos(id), `${owner}/${repo}`.toLowerCase(), JSON.stringify(summary));
  }

  async listGithubSyncs(id: string): Promise<GithubSyncSummary[]> {
    const h = await this.redis.hgetall(keys.githubRepos(id));
    return Object.keys(h)
      .sort()
      .map((k) => JSON.parse(h[k] as string) as GithubSyncSummary);
  }
}

function decodeProject(
  h: Record<string, string> | undefined,
  secretNames: string[] | undefined,
): ProjectRecord | null {
  if (!h || h.id === undefined || h.name === undefined) return null;
  const record: ProjectRecord = {
    id: h.id,
    name: h.name,
    createdAt: h.createdAt ?? '',
    ...(h.ownerUserId ? { ownerUserId: h.ownerUserId } : {}),
    secretNames: (secretNames ?? []).filter((n): n is SecretName =>
      (SECRET_NAMES as readonly string[]).includes(n),
    ),
  };
  if (h.repository) {
    const parsed = RepositorySettings.safeParse(JSON.parse(h.repository));
    if (parsed.success) record.repository = parsed.data;
  }
  return record;
}
