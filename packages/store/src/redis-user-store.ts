import { Role } from '@fixloop/contracts';
import type {
  CreateUserRefusal,
  MemberChange,
  MemberStore,
  NewUser,
  UserRecord,
  UserStore,
} from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * KEYS: the email index. ARGV: email, user id, '1' when accounts beside the first are allowed.
 * Answers -1 (email taken), 0 (sign-up closed), 1 (claimed), 2 (claimed: the first account).
 */
const CLAIM_EMAIL = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return -1 end
local n = redis.call('HLEN', KEYS[1])
if n > 0 and ARGV[3] ~= '1' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if n == 0 then return 2 end
return 1
`;

const OPTIONAL_FIELDS = ['passwordHash', 'githubId', 'githubLogin', 'githubToken'] as const;

function encodeUser(u: UserRecord): Record<string, string> {
  const o: Record<string, string> = {
    id: u.id,
    email: u.email,
    name: u.name,
    createdAt: u.createdAt,
    admin: u.admin ? '1' : '0',
  };
  for (const f of OPTIONAL_FIELDS) {
    const v = u[f];
    if (v !== undefined) o[f] = v;
  }
  return o;
}

function decodeUser(h: Record<string, string> | undefined): UserRecord | null {
  if (!h?.id || h.email === undefined) return null;
  const u: UserRecord = {
    id: h.id,
    email: h.email,
    name: h.name ?? '',
    createdAt: h.createdAt ?? '',
    admin: h.admin === '1',
  };
  for (const f of OPTIONAL_FIELDS) {
    const v = h[f];
    if (v !== undefined && v !== '') u[f] = v;
  }
  return u;
}

/** Accounts: `user:<id>` hashes, found by email (`user:emails`) or GitHub id (`user:github`). */
export class RedisUserStore implements UserStore {
  constructor(private readonly redis: Redis) {}

  async create(
    user: NewUser,
    allowOthers: boolean,
  ): Promise<{ ok: true; admin: boolean } | { ok: false; reason: CreateUserRefusal }> {
    // The record first (unreachable until the email points at it), then the one-key claim that
    // decides; a refused claim takes the record back.
    await this.redis.hset(keys.user(user.id), encodeUser({ ...user, admin: false }));
    const claimed = Number(
      await this.redis.eval(CLAIM_EMAIL, 1, keys.userEmails(), user.email, user.id, allowOthers ? '1' : '0'),
    );
    if (claimed <= 0) {
      await this.redis.del(keys.user(user.id));
      return { ok: false, reason: claimed === -1 ? 'email_taken' : 'signup_closed' };
    }
    if (claimed === 2) await this.redis.hset(keys.user(user.id), 'admin', '1');
    return { ok: true, admin: claimed === 2 };
  }

  async get(id: string): Promise<UserRecord | null> {
    return decodeUser(await this.redis.hgetall(keys.user(id)));
  }

  async getMany(ids: string[]): Promise<Array<UserRecord | null>> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(keys.user(id));
    const replies = (await p.exec()) ?? [];
    return ids.map((_, i) => decodeUser(replies[i]?.[1] as Record<string, string> | undefined));
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const id = await this.redis.hget(keys.userEmails(), email.toLowerCase());
    return id === null ? null : this.get(id);
  }

  async findByGithubId(githubId: string): Promise<UserRecord | null> {
    const id = await this.redis.hget(keys.userGithubIds(), githubId);
    return id === null ? null : this.get(id);
  }

  async any(): Promise<boolean> {
    return (await this.redis.hlen(keys.userEmails())) > 0;
  }

  async linkGithub(id: string, github: { id: string; login: string }): Promise<boolean> {
    await this.redis.hsetnx(keys.userGithubIds(), github.id, id);
    if ((await this.redis.hget(keys.userGithubIds(), github.id)) !== id) return false;
    await this.redis.hset(keys.user(id), { githubId: github.id, githubLogin: github.login });
    return true;
  }

  async setGithubToken(id: string, sealed: string | null): Promise<void> {
    if (sealed === null) await this.redis.hdel(keys.user(id), 'githubToken');
    else await this.redis.hset(keys.user(id), 'githubToken', sealed);
  }
}

/** Counts owners in the members hash; refuses a change that would leave none. KEYS: members. ARGV: user, new role or '' to remove. */
const CHANGE_MEMBER = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '' and not cur then return 'not_member' end
if cur == 'owner' and ARGV[2] ~= 'owner' then
  local owners = 0
  for _, r in ipairs(redis.call('HVALS', KEYS[1])) do
    if r == 'owner' then owners = owners + 1 end
  end
  if owners <= 1 then return 'last_owner' end
end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 'done'
`;

/** Members: `project:{pid}:members` (user → role) is the truth; `user:<id>:projects` indexes it per user. */
export class RedisMemberStore implements MemberStore {
  constructor(private readonly redis: Redis) {}

  async roleOf(projectId: string, userId: string): Promise<Role | null> {
    const parsed = Role.safeParse(await this.redis.hget(keys.projectMembers(projectId), userId));
    return parsed.success ? parsed.data : null;
  }

  async list(projectId: string): Promise<Array<{ userId: string; role: Role }>> {
    const h = await this.redis.hgetall(keys.projectMembers(projectId));
    return Object.entries(h).flatMap(([userId, r]) => {
      const parsed = Role.safeParse(r);
      return parsed.success ? [{ userId, role: parsed.data }] : [];
    });
  }

  async projectsOf(userId: string): Promise<Array<{ projectId: string; role: Role }>> {
    const ids = await this.redis.zrange(keys.userProjects(userId), 0, -1);
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(keys.projectMembers(id), userId);
    const replies = (await p.exec()) ?? [];
    const out: Array<{ projectId: string; role: Role }> = [];
    const stale: string[] = [];
    ids.forEach((projectId, i) => {
      const parsed = Role.safeParse(replies[i]?.[1]);
      if (parsed.success) out.push({ projectId, role: parsed.data });
      else stale.push(projectId);
    });
    if (stale.length > 0) await this.redis.zrem(keys.userProjects(userId), ...stale);
    return out;
  }

  async set(projectId: string, userId: string, role: Role, nowMs: number): Promise<MemberChange> {
    const change = (await this.redis.eval(
      CHANGE_MEMBER,
      1,
      keys.projectMembers(projectId),
      userId,
      role,
    )) as MemberChange;
    // NX: a role change keeps the original joining time (the order of the user's projects).
    if (change === 'done') await this.redis.zadd(keys.userProjects(userId), 'NX', nowMs, projectId);
    return change;
  }

  async remove(projectId: string, userId: string): Promise<MemberChange> {
    const change = (await this.redis.eval(
      CHANGE_MEMBER,
      1,
      keys.projectMembers(projectId),
      userId,
      '',
    )) as MemberChange;
    if (change === 'done') await this.redis.zrem(keys.userProjects(userId), projectId);
    return change;
  }

  async forgetProject(projectId: string): Promise<void> {
    const userIds = await this.redis.hkeys(keys.projectMembers(projectId));
    if (userIds.length === 0) return;
    const p = this.redis.pipeline();
    for (const userId of userIds) p.zrem(keys.userProjects(userId), projectId);
    await p.exec();
  }
}
