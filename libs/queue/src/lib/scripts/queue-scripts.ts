import type Redis from 'ioredis';
import { DEFAULT_TENANT } from '../model/tenant.util';

/*
 * Lua scripts that read or change a job atomically across bull's lists and sets. Each one keeps
 * bull's own invariants (a job id is in exactly one of wait/active/delayed/completed/failed).
 */

// Bull's priority insert (includes/addJobWithPriority.lua): FIFO inside a priority.
const ADD_WITH_PRIORITY = `
local function addJobWithPriority(priorityKey, priority, jobId, targetKey)
  redis.call("ZADD", priorityKey, priority, jobId)
  local count = redis.call("ZCOUNT", priorityKey, 0, priority)
  local len = redis.call("LLEN", targetKey)
  local id = redis.call("LINDEX", targetKey, len - (count - 1))
  if id then
    redis.call("LINSERT", targetKey, "BEFORE", id, jobId)
  else
    redis.call("RPUSH", targetKey, jobId)
  end
end
`;

// Where bull keeps a job right now; returns place and, when delayed, the delay-set score.
const PLACE_OF = `
local function placeOf(id, completed, failed, delayed, active)
  if redis.call("ZSCORE", completed, id) then return "completed", false end
  if redis.call("ZSCORE", failed, id) then return "failed", false end
  local score = redis.call("ZSCORE", delayed, id)
  if score then return "delayed", score end
  if redis.call("LPOS", active, id) then return "active", false end
  return "waiting", false
end
`;

// The owner of a job, from the start of its stored data (StoredJobData keeps searchText, then
// record.tenant, first). Jobs stored before tenants existed have none and belong to the default.
const TENANT_OF = `
local function storedTenant(data)
  return string.match(data or "", '^{"searchText":"[^"]*","record":{"tenant":"([^"]*)"')
end
local function tenantOf(data)
  return storedTenant(data) or "${DEFAULT_TENANT}"
end
`;

/**
 * KEYS: job, completed, failed, delayed, active. ARGV: id, tenant ("" = any). Another tenant's
 * job reads as missing (nil), exactly like an unknown id.
 */
const JOB_VIEW = `${PLACE_OF}${TENANT_OF}
if redis.call("EXISTS", KEYS[1]) == 0 then return nil end
local h = redis.call("HMGET", KEYS[1], "data", "timestamp", "processedOn", "finishedOn", "attemptsMade",
  "failedReason", "progress", "rt_worker", "rt_outcome", "priority", "returnvalue")
if ARGV[2] ~= "" and tenantOf(h[1]) ~= ARGV[2] then return nil end
local place, score = placeOf(ARGV[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return {place, score or "", h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11]}
`;

/**
 * One chunk of the newest-first listing. Filters on type (bull job name) and search text inside
 * Redis so that only candidates travel; ids whose job hash is gone are dropped from the index
 * (the global one or a tenant's, whichever is walked). The tenant filter only guards a tenant's
 * index against foreign ids: walking that index is what keeps the work per tenant.
 * KEYS: index, completed, failed, delayed, active. ARGV: job key base, start rank, chunk size,
 * type filter ("" = any), search needle ("" = any), tenant ("" = any). Returns {next start or
 * -1, id, place, attemptsMade, outcome, ...}.
 */
const LIST_CHUNK = `${PLACE_OF}${TENANT_OF}
local start = tonumber(ARGV[2])
local size = tonumber(ARGV[3])
local ids = redis.call("ZREVRANGE", KEYS[1], start, start + size - 1)
local out = {0}
local removed = 0
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local h = redis.call("HMGET", key, "name", "data", "attemptsMade", "rt_outcome", "rt_worker")
  if not h[1] then
    redis.call("ZREM", KEYS[1], id)
    removed = removed + 1
  else
    local ok = ARGV[6] == "" or tenantOf(h[2]) == ARGV[6]
    if ok and ARGV[4] ~= "" and h[1] ~= ARGV[4] and string.sub(h[1], 1, string.len(ARGV[4]) + 1) ~= ARGV[4] .. ":" then ok = false end
    if ok and ARGV[5] ~= "" then
      local text = string.match(h[2] or "", '^{"searchText":"([^"]*)"') or ""
      local worker = string.lower(h[5] or "")
      ok = string.find(text, ARGV[5], 1, true) ~= nil or string.find(worker, ARGV[5], 1, true) ~= nil
    end
    if ok then
      local place = placeOf(id, KEYS[2], KEYS[3], KEYS[4], KEYS[5])
      table.insert(out, id)
      table.insert(out, place)
      table.insert(out, h[3] or "0")
      table.insert(out, h[4] or "")
    end
  end
end
if #ids < size then out[1] = -1 else out[1] = start + size - removed end
return out
`;

/**
 * Cancel: a queued job is taken out of wait/paused/delayed and recorded Cancelled in the failed
 * set; a running job is flagged and every worker is told through pub/sub.
 * KEYS: job, wait, paused, delayed, priority, completed, failed, active, cancelledSet.
 * ARGV: id, now, channel, tenant ("" = any). Another tenant's job is "missing", untouched.
 * Returns "missing" | "completed" | "failed" | "cancelled" | "cancelling" | "unknown".
 */
const CANCEL = `${TENANT_OF}
if redis.call("EXISTS", KEYS[1]) == 0 then return "missing" end
if ARGV[4] ~= "" and tenantOf(redis.call("HGET", KEYS[1], "data")) ~= ARGV[4] then return "missing" end
if redis.call("ZSCORE", KEYS[6], ARGV[1]) then return "completed" end
if redis.call("ZSCORE", KEYS[7], ARGV[1]) then return "failed" end
local removed = redis.call("LREM", KEYS[2], 0, ARGV[1]) + redis.call("LREM", KEYS[3], 0, ARGV[1]) + redis.call("ZREM", KEYS[4], ARGV[1])
if removed > 0 then
  redis.call("ZREM", KEYS[5], ARGV[1])
  redis.call("HSET", KEYS[1], "rt_outcome", "Cancelled", "failedReason", "Job was cancelled", "finishedOn", ARGV[2])
  redis.call("ZADD", KEYS[7], ARGV[2], ARGV[1])
  redis.call("ZADD", KEYS[9], ARGV[2], ARGV[1])
  return "cancelled"
end
if redis.call("LPOS", KEYS[8], ARGV[1]) then
  redis.call("HSET", KEYS[1], "rt_cancel", "1")
  redis.call("PUBLISH", ARGV[3], ARGV[1])
  return "cancelling"
end
return "unknown"
`;

/**
 * Replay a finished-unsuccessfully job with a fresh attempt budget, back into wait by priority.
 * KEYS: job, failed, wait, paused, meta-paused, priority, cancelledSet, nonRetryableSet, result.
 * ARGV: id, tenant ("" = any). Another tenant's job is "missing", untouched.
 * Returns "missing" | "not_failed" | "replayed".
 */
const REPLAY = `${ADD_WITH_PRIORITY}${TENANT_OF}
if redis.call("EXISTS", KEYS[1]) == 0 then return "missing" end
if ARGV[2] ~= "" and tenantOf(redis.call("HGET", KEYS[1], "data")) ~= ARGV[2] then return "missing" end
if not redis.call("ZSCORE", KEYS[2], ARGV[1]) then return "not_failed" end
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("ZREM", KEYS[7], ARGV[1])
redis.call("ZREM", KEYS[8], ARGV[1])
redis.call("DEL", KEYS[9])
redis.call("HDEL", KEYS[1], "finishedOn", "processedOn", "failedReason", "rt_outcome", "rt_cancel", "rt_worker", "returnvalue")
redis.call("HSET", KEYS[1], "attemptsMade", "0", "stacktrace", "[]")
local target = KEYS[3]
if redis.call("EXISTS", KEYS[5]) == 1 then target = KEYS[4] end
local priority = tonumber(redis.call("HGET", KEYS[1], "priority")) or 0
if priority == 0 then
  redis.call("LPUSH", target, ARGV[1])
else
  addJobWithPriority(KEYS[6], priority, ARGV[1], target)
end
return "replayed"
`;

/**
 * A job ends without completing for good: record its outcome on the hash and, for Failed and
 * Cancelled, in the set that splits bull's failed set by outcome.
 * KEYS: job, outcome set (untouched for DeadLetter). ARGV: outcome, now, id.
 */
const RECORD_OUTCOME = `
redis.call("HSET", KEYS[1], "rt_outcome", ARGV[1])
if ARGV[1] ~= "DeadLetter" then redis.call("ZADD", KEYS[2], ARGV[2], ARGV[3]) end
return 1
`;

/**
 * Hand every job this worker holds back to the queue without spending an attempt (graceful
 * shutdown): running ones and ones bull fetched ahead. A job is ours while its lock holds our
 * token. KEYS: active, wait, stalled. ARGV: job key base, token. Returns the ids handed back.
 */
const HAND_BACK_ALL = `
local handed = {}
for _, id in ipairs(redis.call("LRANGE", KEYS[1], 0, -1)) do
  local lock = ARGV[1] .. id .. ":lock"
  if redis.call("GET", lock) == ARGV[2] then
    redis.call("DEL", lock)
    redis.call("LREM", KEYS[1], 0, id)
    redis.call("SREM", KEYS[3], id)
    redis.call("RPUSH", KEYS[2], id)
    table.insert(handed, id)
  end
end
return handed
`;

/**
 * Counts by status. KEYS: wait, paused, active, delayed, completed, failed, cancelledSet,
 * nonRetryableSet. ARGV: job key base, oldest finishedOn kept (ms). Delayed jobs that already
 * ran are retries; the rest of the delayed set is scheduled work.
 */
const COUNTS = `
redis.call("ZREMRANGEBYSCORE", KEYS[7], "-inf", "(" .. ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[8], "-inf", "(" .. ARGV[2])
local retry = 0
local delayedIds = redis.call("ZRANGE", KEYS[4], 0, -1)
for _, id in ipairs(delayedIds) do
  local made = tonumber(redis.call("HGET", ARGV[1] .. id, "attemptsMade") or "0") or 0
  if made > 0 then retry = retry + 1 end
end
return {
  redis.call("LLEN", KEYS[1]) + redis.call("LLEN", KEYS[2]),
  redis.call("LLEN", KEYS[3]),
  #delayedIds - retry,
  retry,
  redis.call("ZCARD", KEYS[5]),
  redis.call("ZCARD", KEYS[6]),
  redis.call("ZCARD", KEYS[7]),
  redis.call("ZCARD", KEYS[8])
}
`;

/**
 * One step of the one-time backfill that puts jobs stored before tenants existed (no tenant in
 * their data) into the default tenant's index, so that tenant's listing and counts include them.
 * ZSCAN, not ranks: entries that other scripts drop meanwhile cannot make the walk skip any.
 * KEYS: index, default tenant's index, tenants set. ARGV: job key base, cursor, count.
 * Returns the next cursor, "0" when done.
 */
const BACKFILL_TENANT_STEP = `${TENANT_OF}
local reply = redis.call("ZSCAN", KEYS[1], ARGV[2], "COUNT", ARGV[3])
local entries = reply[2]
for i = 1, #entries, 2 do
  local data = redis.call("HGET", ARGV[1] .. entries[i], "data")
  if data and not storedTenant(data) then
    redis.call("ZADD", KEYS[2], entries[i + 1], entries[i])
    redis.call("SADD", KEYS[3], "${DEFAULT_TENANT}")
  end
end
return reply[1]
`;

export const QUEUE_SCRIPTS = {
  riptideJobView: { numberOfKeys: 5, lua: JOB_VIEW },
  riptideListChunk: { numberOfKeys: 5, lua: LIST_CHUNK },
  riptideCancel: { numberOfKeys: 9, lua: CANCEL },
  riptideReplay: { numberOfKeys: 9, lua: REPLAY },
  riptideRecordOutcome: { numberOfKeys: 2, lua: RECORD_OUTCOME },
  riptideHandBackAll: { numberOfKeys: 3, lua: HAND_BACK_ALL },
  riptideCounts: { numberOfKeys: 8, lua: COUNTS },
  riptideBackfillTenantStep: { numberOfKeys: 3, lua: BACKFILL_TENANT_STEP },
} as const;

export type QueueScriptName = keyof typeof QUEUE_SCRIPTS;

/** A Redis client with the queue scripts defined on it. */
export type ScriptedRedis = Redis & {
  [K in QueueScriptName]: (...args: (string | number)[]) => Promise<unknown>;
};

export function defineQueueScripts(client: Redis): ScriptedRedis {
  for (const [name, script] of Object.entries(QUEUE_SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  return client as ScriptedRedis;
}
