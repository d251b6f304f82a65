import type { Redis } from 'ioredis';

/**
 * Stores a report in one atomic step: the hash, the `created` and per-source sorted sets, the
 * unclustered set (open reports only) and the external-id index. With an external id already
 * indexed, `add` answers the existing report (`add-id`: only its id) and `upsert` refreshes it.
 * KEYS: hash, created, source, unclustered, external, sources-known.
 * ARGV: mode, id, feedback key prefix, score, has-external ('1'|'0'), field, value, ...
 * Returns {outcome, id, previous status, fields of the existing report}.
 */
const ADD_FEEDBACK = `
local mode, id, prefix, score, hasExt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local fields = {}
for i = 6, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end
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
      elseif textChanged or prev ~= status then
        redis.call('SADD', KEYS[4], existing)
      end
      return {changed and 'updated' or 'unchanged', existing, prev, redis.call('HGETALL', h)}
    end
  end
end
local args = {}
for i = 6, #ARGV do args[#args + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(args))
redis.call('ZADD', KEYS[2], score, id)
redis.call('ZADD', KEYS[3], score, id)
redis.call('SADD', KEYS[6], fields['source'])
if fields['status'] ~= 'closed' then redis.call('SADD', KEYS[4], id) end
if hasExt then redis.call('SET', KEYS[5], id) end
return {'created', id, '', {}}
`;

/**
 * The bulk form of ADD_FEEDBACK (mode `add-id`): many reports of one project in one call, which
 * saves Redis the per-command overhead of a pipeline of single calls. Sibling keys are derived from
 * the project prefix (one hash slot). KEYS: created, unclustered, sources-known.
 * ARGV: prefix, then per report: id, score, source, externalId ('' for none), status, field count,
 * field, value, ... Returns {outcome, id, outcome, id, ...}.
 */
const ADD_FEEDBACK_MANY = `
local prefix = ARGV[1]
local out = {}
local i = 2
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
  if existing then
    out[#out + 1] = 'duplicate'
    out[#out + 1] = existing
  else
    redis.call('HSET', prefix .. 'feedback:' .. id, unpack(ARGV, first, last))
    redis.call('ZADD', KEYS[1], score, id)
    redis.call('ZADD', prefix .. 'feedback:source:' .. source, score, id)
    redis.call('SADD', KEYS[3], source)
    if status ~= 'closed' then redis.call('SADD', KEYS[2], id) end
    if extKey then redis.call('SET', extKey, id) end
    out[#out + 1] = 'created'
    out[#out + 1] = id
  end
end
return out
`;

/**
 * Applies a patch to a report atomically and keeps the unclustered set in step: closed → out;
 * a text change or a re-open of an open report → in.
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
elseif textChanged or prev ~= status then
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

/** Typed access to the scripts defined on a connection. */
export interface ScriptCommands {
  fixloopAddFeedback(...args: string[]): Promise<[string, string, string, string[]]>;
  fixloopAddFeedbackMany(...args: string[]): Promise<string[]>;
  fixloopUpdateFeedback(...args: string[]): Promise<string[] | null>;
  fixloopDeleteFeedback(...args: string[]): Promise<number>;
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
    redis.defineCommand('fixloopAddFeedback', { numberOfKeys: 6, lua: ADD_FEEDBACK });
    redis.defineCommand('fixloopAddFeedbackMany', { numberOfKeys: 3, lua: ADD_FEEDBACK_MANY });
    redis.defineCommand('fixloopUpdateFeedback', { numberOfKeys: 2, lua: UPDATE_FEEDBACK });
    redis.defineCommand('fixloopDeleteFeedback', { numberOfKeys: 3, lua: DELETE_FEEDBACK });
  }
  return redis as Redis & ScriptCommands;
}
