import type { Redis } from 'ioredis';

/**
 * The monthly feedback limit of a plan from a spec such as `free=100 pro=5000 team=-1` (-1 or an
 * unknown plan: unlimited). Shared by the scripts that count reports against it.
 */
const LIMIT_OF = `
local function limitOf(spec, plan)
  for name, n in string.gmatch(spec, '([%w_-]+)=(-?%d+)') do
    if name == plan then return tonumber(n) end
  end
  return -1
end
`;

/**
 * Stores a report in one atomic step: the hash, the `created` and per-source sorted sets, the
 * unclustered set (open reports only) and the external-id index. With an external id already
 * indexed, `add` answers the existing report (`add-id`: only its id) and `upsert` refreshes it.
 * A new report counts against the month's allowance of the project's plan: within it, it is
 * counted and goes to clustering; past it, it is `held` (in the held set, not unclustered) while
 * fewer than an allowance's worth are held; past that it is `rejected` and nothing is written.
 * KEYS: hash, created, source, unclustered, external, sources-known, month's usage, held, billing.
 * ARGV: mode, id, feedback key prefix, score, has-external ('1'|'0'), limit spec, usage ttl,
 * field, value, ... Returns {outcome, id, previous status (or 'release' when a new report found
 * held ones it could have let through), fields of the existing report}; `rejected`: {.., plan, limit}.
 */
const ADD_FEEDBACK = `${LIMIT_OF}
local mode, id, prefix, score, hasExt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local fields = {}
for i = 8, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end
if hasExt then
  local existing = redis.call('GET', KEYS[5])
  if existing then
    local h = prefix .. existing
    if redis.call('EXISTS', h) == 1 then
      if mode == 'add-id' then return {'duplicate', existing, '', {}} end
      if mode == 'add' then return {'duplicate', existing, '', redis.call('HGETALL', h)} end
      local prev = redis.call('HGET', h, 'status')
      local changed, textChanged = false, false
      for _, f in ipairs({'title', 'body', 'url', 'author', 'status', 'metadata'}) do
        local v = fields[f]
        if v and v ~= redis.call('HGET', h, f) then
          redis.call('HSET', h, f, v)
          changed = true
          if f == 'title' or f == 'body' then textChanged = true end
        end
      end
      local status = redis.call('HGET', h, 'status')
      if status == 'closed' then
        redis.call('SREM', KEYS[4], existing)
      elseif (textChanged or prev ~= status) and redis.call('HGET', h, 'held') ~= '1' then
        redis.call('SADD', KEYS[4], existing)
      end
      return {changed and 'updated' or 'unchanged', existing, prev, redis.call('HGETALL', h)}
    end
  end
end
local plan = redis.call('HGET', KEYS[9], 'plan') or 'free'
local limit = limitOf(ARGV[6], plan)
local held = false
if limit >= 0 and tonumber(redis.call('GET', KEYS[7]) or '0') >= limit then
  if redis.call('ZCARD', KEYS[8]) >= limit then return {'rejected', plan, tostring(limit), {}} end
  held = true
end
local args = {}
for i = 8, #ARGV do args[#args + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(args))
redis.call('ZADD', KEYS[2], score, id)
redis.call('ZADD', KEYS[3], score, id)
redis.call('SADD', KEYS[6], fields['source'])
if hasExt then redis.call('SET', KEYS[5], id) end
if held then
  redis.call('HSET', KEYS[1], 'held', '1')
  redis.call('ZADD', KEYS[8], redis.call('INCR', prefix .. 'held:seq'), id)
  return {'held', id, '', {}}
end
if redis.call('INCR', KEYS[7]) == 1 then redis.call('EXPIRE', KEYS[7], ARGV[7]) end
if fields['status'] ~= 'closed' then redis.call('SADD', KEYS[4], id) end
return {'created', id, redis.call('ZCARD', KEYS[8]) > 0 and 'release' or '', {}}
`;

/**
 * The bulk form of ADD_FEEDBACK (mode `add-id`): many reports of one project in one call, which
 * saves Redis the per-command overhead of a pipeline of single calls. Sibling keys are derived from
 * the project prefix (one hash slot). Each new report is counted, held or rejected as in ADD_FEEDBACK.
 * KEYS: created, unclustered, sources-known, month's usage, held, billing.
 * ARGV: prefix, limit spec, usage ttl, then per report: id, score, source, externalId ('' for
 * none), status, field count, field, value, ... Returns {outcome, id, outcome, id, ..., plan, limit}.
 */
const ADD_FEEDBACK_MANY = `${LIMIT_OF}
local prefix = ARGV[1]
local plan = redis.call('HGET', KEYS[6], 'plan') or 'free'
local limit = limitOf(ARGV[2], plan)
local used = tonumber(redis.call('GET', KEYS[4]) or '0')
local heldCount = redis.call('ZCARD', KEYS[5])
local counted = 0
local out = {}
local i = 4
while i <= #ARGV do
  local id, score, source, ext, status = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local first = i + 6
  local last = first + tonumber(ARGV[i + 5]) * 2 - 1
  i = last + 1
  local existing = false
  local extKey = nil
  if ext ~= '' then
    extKey = prefix .. 'feedback:external:' .. source .. ':' .. ext
    existing = redis.call('GET', extKey)
    if existing and redis.call('EXISTS', prefix .. 'feedback:' .. existing) == 0 then existing = false end
  end
  local held = limit >= 0 and used + counted >= limit
  if existing then
    out[#out + 1] = 'duplicate'
    out[#out + 1] = existing
  elseif held and heldCount >= limit then
    out[#out + 1] = 'rejected'
    out[#out + 1] = ''
  else
    redis.call('HSET', prefix .. 'feedback:' .. id, unpack(ARGV, first, last))
    redis.call('ZADD', KEYS[1], score, id)
    redis.call('ZADD', prefix .. 'feedback:source:' .. source, score, id)
    redis.call('SADD', KEYS[3], source)
    if extKey then redis.call('SET', extKey, id) end
    if held then
      redis.call('HSET', prefix .. 'feedback:' .. id, 'held', '1')
      redis.call('ZADD', KEYS[5], redis.call('INCR', prefix .. 'feedback:held:seq'), id)
      heldCount = heldCount + 1
      out[#out + 1] = 'held'
    else
      counted = counted + 1
      if status ~= 'closed' then redis.call('SADD', KEYS[2], id) end
      out[#out + 1] = 'created'
    end
    out[#out + 1] = id
  end
end
if counted > 0 and redis.call('INCRBY', KEYS[4], counted) == counted then
  redis.call('EXPIRE', KEYS[4], ARGV[3])
end
out[#out + 1] = plan
out[#out + 1] = tostring(limit)
return out
`;

/**
 * Applies a patch to a report atomically and keeps the unclustered set in step: closed → out;
 * a text change or a re-open of an open report → in (a held report stays out until released).
 * KEYS: hash, unclustered. ARGV: id, field, value, ... Returns the new fields, or nil when absent.
 */
const UPDATE_FEEDBACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local prev = redis.call('HGET', KEYS[1], 'status')
local textChanged = false
for i = 2, #ARGV, 2 do
  local f, v = ARGV[i], ARGV[i + 1]
  if v ~= redis.call('HGET', KEYS[1], f) then
    redis.call('HSET', KEYS[1], f, v)
    if f == 'title' or f == 'body' then textChanged = true end
  end
end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then
  redis.call('SREM', KEYS[2], ARGV[1])
elseif (textChanged or prev ~= status) and redis.call('HGET', KEYS[1], 'held') ~= '1' then
  redis.call('SADD', KEYS[2], ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
`;

/**
 * Removes a report from every index in one step. The per-source, external-id and cluster keys are
 * derived from the project prefix (same hash slot). KEYS: hash, created, unclustered.
 * ARGV: id, project prefix. Returns 1 when removed, 0 when absent.
 */
const DELETE_FEEDBACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local id, prefix = ARGV[1], ARGV[2]
local v = redis.call('HMGET', KEYS[1], 'source', 'externalId', 'clusterId')
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
redis.call('ZREM', prefix .. 'feedback:held', id)
if v[1] then
  redis.call('ZREM', prefix .. 'feedback:source:' .. v[1], id)
  if v[2] then
    local ek = prefix .. 'feedback:external:' .. v[1] .. ':' .. v[2]
    if redis.call('GET', ek) == id then redis.call('DEL', ek) end
  end
end
if v[3] then redis.call('SREM', prefix .. 'cluster:' .. v[3] .. ':items', id) end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * Lets held reports through, oldest first, as far as this month's allowance of the project's plan
 * has room (at most ARGV[3] per call): each leaves the held set, loses its `held` mark, joins the
 * unclustered set (open ones) and counts against the month.
 * KEYS: held, unclustered, month's usage, billing. ARGV: feedback key prefix, limit spec, max, usage ttl.
 * Returns {released, still held}.
 */
const RELEASE_HELD = `${LIMIT_OF}
local limit = limitOf(ARGV[2], redis.call('HGET', KEYS[4], 'plan') or 'free')
local room = tonumber(ARGV[3])
if limit >= 0 then room = math.min(room, limit - tonumber(redis.call('GET', KEYS[3]) or '0')) end
if room <= 0 then return {0, redis.call('ZCARD', KEYS[1])} end
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, room - 1)) do
  redis.call('ZREM', KEYS[1], id)
  local h = ARGV[1] .. id
  if redis.call('EXISTS', h) == 1 then
    redis.call('HDEL', h, 'held')
    if redis.call('HGET', h, 'status') ~= 'closed' then redis.call('SADD', KEYS[2], id) end
    n = n + 1
  end
end
if n > 0 then
  redis.call('INCRBY', KEYS[3], n)
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return {n, redis.call('ZCARD', KEYS[1])}
`;

/** Typed access to the scripts defined on a connection. */
export interface ScriptCommands {
  fixloopAddFeedback(...args: string[]): Promise<[string, string, string, string[]]>;
  fixloopAddFeedbackMany(...args: string[]): Promise<string[]>;
  fixloopUpdateFeedback(...args: string[]): Promise<string[] | null>;
  fixloopDeleteFeedback(...args: string[]): Promise<number>;
  fixloopReleaseHeld(...args: string[]): Promise<[number, number]>;
}

/** The scripts as queued on a pipeline (replies arrive with `exec`). */
export interface ScriptPipeline {
  fixloopAddFeedback(...args: string[]): ScriptPipeline;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** Registers the scripts on a connection (ioredis sends EVALSHA and falls back to EVAL). */
export function defineScripts(redis: Redis): Redis & ScriptCommands {
  const r = redis as Redis & Partial<ScriptCommands>;
  if (!r.fixloopAddFeedback) {
    redis.defineCommand('fixloopAddFeedback', { numberOfKeys: 9, lua: ADD_FEEDBACK });
    redis.defineCommand('fixloopAddFeedbackMany', { numberOfKeys: 6, lua: ADD_FEEDBACK_MANY });
    redis.defineCommand('fixloopUpdateFeedback', { numberOfKeys: 2, lua: UPDATE_FEEDBACK });
    redis.defineCommand('fixloopDeleteFeedback', { numberOfKeys: 3, lua: DELETE_FEEDBACK });
    redis.defineCommand('fixloopReleaseHeld', { numberOfKeys: 4, lua: RELEASE_HELD });
  }
  return redis as Redis & ScriptCommands;
}

/** The limit spec the scripts read: `plan=limit` pairs, -1 for unlimited. */
export function limitSpec(limits: Readonly<Record<string, number | null>>): string {
  return Object.entries(limits)
    .map(([plan, limit]) => `${plan}=${limit === null ? -1 : Math.max(0, Math.floor(limit))}`)
    .join(' ');
}
