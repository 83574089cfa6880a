import type Redis from 'ioredis';

/*
 * Every multi-key change of a schedule is one Lua script, so no process ever sees half of it.
 * Hash fields of `s:<id>`: def (JSON definition), enabled ('1'|'0'), next_at (epoch ms or ''),
 * version (bumped by every update), slot_version (bumped when the slot sequence changes),
 * count, skipped, last_at, last_job, last_job_count, created_at.
 */

/**
 * KEYS index, schedule, due · ARGV id, def, createdAt, enabled, nextAt, max, tenant, max for the tenant ('' = none),
 * schedule key base (`…:s:`)
 * → 1 created, 0 limit reached, -1 tenant quota reached, 2 already exists (an id chosen by the caller, created before).
 * The tenant count decodes every definition: bounded by `max` (SCHEDULER_MAX_SCHEDULES), and exact even for
 * schedules stored before tenants (they belong to 'default').
 */
const CREATE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[6]) then return 0 end
if ARGV[8] ~= '' then
  local quota = tonumber(ARGV[8])
  local owned = 0
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local def = redis.call('HGET', ARGV[9] .. id, 'def')
    if def then
      local ok, decoded = pcall(cjson.decode, def)
      local tenant = (ok and type(decoded) == 'table' and type(decoded.tenant) == 'string') and decoded.tenant or 'default'
      if tenant == ARGV[7] then owned = owned + 1 end
    end
  end
  if owned >= quota then return -1 end
end
redis.call('HSET', KEYS[2], 'def', ARGV[2], 'created_at', ARGV[3], 'enabled', ARGV[4], 'next_at', ARGV[5],
  'version', 1, 'slot_version', 1, 'count', 0, 'skipped', 0, 'last_at', '', 'last_job', '', 'last_job_count', 0)
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
if ARGV[4] == '1' and ARGV[5] ~= '' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1]) end
return 1`;

/**
 * KEYS schedule, due · ARGV id, def, enabled, nextAt, expectedVersion, resetSlot
 * → 1 updated, 0 changed meanwhile (read again), -1 missing.
 */
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[5] then return 0 end
redis.call('HSET', KEYS[1], 'def', ARGV[2], 'enabled', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'next_at', ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'slot_version', 1)
end
local nextAt = redis.call('HGET', KEYS[1], 'next_at')
if ARGV[3] == '1' and nextAt ~= '' then redis.call('ZADD', KEYS[2], nextAt, ARGV[1]) else redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1`;

/** KEYS index, schedule, due, fires · ARGV id → 1 deleted, 0 missing. */
const DELETE = `
local existed = redis.call('EXISTS', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[4])
return existed`;

/**
 * Claims a due slot: only if the schedule is enabled and its stored next slot and slot version are
 * the ones the caller computed from. Advances to the following slot; for a fire also counts it,
 * stamps last_at and records the claim (lease) until the submitted job is recorded.
 * KEYS schedule, due, claims · ARGV id, slot, slotVersion, newNext, now, leaseUntil, mode ('fire'|'skip')
 * → {-1} not claimable, {0} skipped, {count, def} fired.
 */
const CLAIM = `
local s = redis.call('HMGET', KEYS[1], 'enabled', 'next_at', 'slot_version', 'def')
if not s[1] or s[1] ~= '1' then redis.call('ZREM', KEYS[2], ARGV[1]) return {-1} end
if s[2] ~= ARGV[2] or s[3] ~= ARGV[3] or tonumber(ARGV[2]) > tonumber(ARGV[5]) then return {-1} end
redis.call('HSET', KEYS[1], 'next_at', ARGV[4])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
if ARGV[7] == 'skip' then redis.call('HINCRBY', KEYS[1], 'skipped', 1) return {0} end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last_at', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1] .. '|' .. ARGV[2] .. '|' .. count)
return {count, s[4]}`;

/** Manual trigger: counts a fire outside the slot sequence. KEYS schedule · ARGV now → {count, def} or {-1}. */
const TRIGGER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last_at', ARGV[1])
return {count, redis.call('HGET', KEYS[1], 'def')}`;

/**
 * Records the job a fire submitted and releases its claim.
 * KEYS schedule, claims, fires · ARGV claimMember ('' for a trigger), jobId ('' = none), fireJson, logSize, count
 */
const RECORD = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[2], ARGV[1]) end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] ~= '' and tonumber(ARGV[5]) >= tonumber(redis.call('HGET', KEYS[1], 'last_job_count') or '0') then
  redis.call('HSET', KEYS[1], 'last_job', ARGV[2], 'last_job_count', ARGV[5])
end
redis.call('LPUSH', KEYS[3], ARGV[3])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
return 1`;

/** Takes over a claim whose lease expired. KEYS claims · ARGV member, now, leaseUntil → 1 taken, 0 not. */
const RECLAIM = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

type Arg = string | number;

/** The scheduler's scripts as commands on an ioredis client. */
export interface SchedulerScripts {
  schedCreate(index: string, schedule: string, due: string, ...args: Arg[]): Promise<number>;
  schedUpdate(schedule: string, due: string, ...args: Arg[]): Promise<number>;
  schedDelete(
    index: string,
    schedule: string,
    due: string,
    fires: string,
    id: string,
  ): Promise<number>;
  schedClaim(
    schedule: string,
    due: string,
    claims: string,
    ...args: Arg[]
  ): Promise<[number, string?]>;
  schedTrigger(schedule: string, now: number): Promise<[number, string?]>;
  schedRecord(schedule: string, claims: string, fires: string, ...args: Arg[]): Promise<number>;
  schedReclaim(claims: string, member: string, now: number, leaseUntil: number): Promise<number>;
}

export type ScriptedSchedulerRedis = Redis & SchedulerScripts;

export function defineSchedulerScripts(client: Redis): ScriptedSchedulerRedis {
  client.defineCommand('schedCreate', { numberOfKeys: 3, lua: CREATE });
  client.defineCommand('schedUpdate', { numberOfKeys: 2, lua: UPDATE });
  client.defineCommand('schedDelete', { numberOfKeys: 4, lua: DELETE });
  client.defineCommand('schedClaim', { numberOfKeys: 3, lua: CLAIM });
  client.defineCommand('schedTrigger', { numberOfKeys: 1, lua: TRIGGER });
  client.defineCommand('schedRecord', { numberOfKeys: 3, lua: RECORD });
  client.defineCommand('schedReclaim', { numberOfKeys: 1, lua: RECLAIM });
  return client as ScriptedSchedulerRedis;
}
